"""Known mistakes of the softmax chapter (format: :mod:`autograder.mistakes.base`)."""

from autograder.mistakes.base import Mistake
from autograder.mistakes.edits import Drop, Rhs, Swap

_LOG_OF_SOFTMAX = "np.log(np.exp(shifted) / np.sum(np.exp(shifted), axis=-1, keepdims=True))"
_REG = "reg * np.sum(W * W)"

MISTAKES = [
    # softmax(f)
    Mistake(
        id="softmax.no_max_shift",
        function="softmax",
        edits=[Rhs("shifted", "f")],
        hint="scores are not shifted by their row maximum, so exp overflows for large scores",
    ),
    Mistake(
        id="softmax.sum_over_wrong_axis",
        function="softmax",
        edits=[Swap("-1", "0", within="return")],
        hint="the exponentials are normalised over axis 0 (the examples), not over the classes",
    ),
    # log_softmax(f)
    Mistake(
        id="log_softmax.log_of_softmax",
        function="log_softmax",
        edits=[Swap("shifted - logsumexp", _LOG_OF_SOFTMAX)],
        hint="log of the softmax underflows to log(0) = -inf where scores are far apart",
    ),
    Mistake(
        id="log_softmax.no_max_shift",
        function="log_softmax",
        edits=[Rhs("shifted", "f")],
        hint="log-sum-exp without subtracting the row maximum: exp(f) overflows for large scores",
    ),
    Mistake(
        id="log_softmax.missing_logsumexp",
        function="log_softmax",
        edits=[Swap("shifted - logsumexp", "shifted")],
        hint="the log-sum-exp term is not subtracted (returns the shifted scores)",
    ),
    Mistake(
        id="log_softmax.logsumexp_wrong_axis",
        function="log_softmax",
        edits=[Swap("-1", "0", within="logsumexp")],
        hint="the log-sum-exp sums over axis 0 (the examples) instead of the classes",
    ),
    # nll(logp, y)
    Mistake(
        id="nll.sum_instead_of_mean",
        function="nll",
        edits=[Swap("np.mean", "np.sum")],
        hint="the negative log-likelihoods are summed, not averaged over the N examples",
    ),
    Mistake(
        id="nll.no_minus_sign",
        function="nll",
        edits=[Swap("-np.mean(logp[np.arange(N), y])", "np.mean(logp[np.arange(N), y])")],
        hint="the minus sign is missing: the loss is a mean of negative log-probabilities",
    ),
    Mistake(
        id="nll.column_block",
        function="nll",
        edits=[Swap("logp[np.arange(N), y]", "logp[:, y]")],
        hint="logp[:, y] takes an N x N block instead of one entry per row",
    ),
    Mistake(
        id="nll.divides_by_classes",
        function="nll",
        edits=[
            Swap(
                "-np.mean(logp[np.arange(N), y])",
                "-np.sum(logp[np.arange(N), y]) / logp.shape[1]",
            )
        ],
        hint="divided by the number of classes C, not by the number of examples N",
    ),
    # softmax_loss_naive(W, X, y, reg)
    Mistake(
        id="softmax_loss_naive.no_division_by_N",
        function="softmax_loss_naive",
        edits=[Swap("N", "1", within="loss"), Swap("N", "1", within="dscore_j")],
        hint="loss and dW are summed over the examples, not divided by N",
    ),
    Mistake(
        id="softmax_loss_naive.dW_not_divided_by_N",
        function="softmax_loss_naive",
        edits=[Swap("N", "1", within="dscore_j")],
        hint="the loss is divided by N but the gradient dW is not",
    ),
    Mistake(
        id="softmax_loss_naive.no_max_shift",
        function="softmax_loss_naive",
        edits=[Rhs("shifted", "scores")],
        hint="scores[i] are not shifted by their maximum: exp overflows to inf for large scores",
    ),
    Mistake(
        id="softmax_loss_naive.no_reg_gradient",
        function="softmax_loss_naive",
        edits=[Drop("dW += 2 * reg * W")],
        hint="the gradient of the regularisation term is not added to dW",
    ),
    Mistake(
        id="softmax_loss_naive.reg_gradient_without_2",
        function="softmax_loss_naive",
        edits=[Swap("2 * reg * W", "reg * W")],
        hint="the regularisation gradient misses the factor 2 that differentiating W squared gives",
    ),
    Mistake(
        id="softmax_loss_naive.no_reg_loss",
        function="softmax_loss_naive",
        edits=[Drop(f"loss += {_REG}")],
        hint="the regularisation term is missing from the loss (dW has its gradient)",
    ),
    Mistake(
        id="softmax_loss_naive.reg_ignored",
        function="softmax_loss_naive",
        edits=[Drop(f"loss += {_REG}"), Drop("dW += 2 * reg * W")],
        hint="reg is ignored: neither the loss nor dW has the regularisation term",
    ),
    Mistake(
        id="softmax_loss_naive.convention_half_reg",
        function="softmax_loss_naive",
        edits=[Swap(_REG, f"0.5 * {_REG}"), Swap("2 * reg * W", "reg * W")],
        hint="the 0.5 * reg * sum(W**2) convention (CS231n 2016); this course's loss has no 0.5:"
        " drop it and double dW's reg term",
    ),
    # softmax_loss_vectorized(W, X, y, reg)
    Mistake(
        id="softmax_loss_vectorized.no_division_by_N",
        function="softmax_loss_vectorized",
        edits=[
            Rhs("data_loss", "-np.sum(logp[np.arange(N), y])"),
            Swap("-ddata_loss / N", "-ddata_loss"),
        ],
        hint="the data loss and its gradient are sums over the minibatch, not means",
    ),
    Mistake(
        id="softmax_loss_vectorized.dlogp_not_divided_by_N",
        function="softmax_loss_vectorized",
        edits=[Swap("-ddata_loss / N", "-ddata_loss")],
        hint="the data loss is a mean over N examples, but its gradient is not divided by N",
    ),
    Mistake(
        id="softmax_loss_vectorized.half_reg_loss",
        function="softmax_loss_vectorized",
        edits=[Swap(_REG, f"0.5 * {_REG}")],
        hint="the loss puts a factor 0.5 on the regularisation that its gradient does not have",
    ),
    Mistake(
        id="softmax_loss_vectorized.reg_gradient_without_2",
        function="softmax_loss_vectorized",
        edits=[Swap("2", "1", within="dW")],
        hint="reg * sum(W * W) is in the loss, but its gradient in dW lacks the factor 2",
    ),
    Mistake(
        id="softmax_loss_vectorized.convention_half_reg",
        function="softmax_loss_vectorized",
        edits=[Swap(_REG, f"0.5 * {_REG}"), Swap("2", "1", within="dW")],
        hint="CS231n 2016's 0.5 * reg * sum(W**2) with gradient reg * W; here the loss has no"
        " 0.5: drop it, double dW's reg term",
    ),
    Mistake(
        id="softmax_loss_vectorized.reg_ignored",
        function="softmax_loss_vectorized",
        edits=[Rhs("reg_loss", "0.0"), Swap("2", "0", within="dW")],
        hint="reg is ignored: neither the vectorized loss nor its dW has the regularisation term",
    ),
    Mistake(
        id="softmax_loss_vectorized.reg_gradient_twice",
        function="softmax_loss_vectorized",
        edits=[Swap("X.T @ dscores", "X.T @ dscores + 2 * reg * W")],
        hint="the regularisation gradient is added to dW twice",
    ),
    Mistake(
        id="softmax_loss_vectorized.one_hot_whole_columns",
        function="softmax_loss_vectorized",
        edits=[Swap("dlogp[np.arange(N), y]", "dlogp[:, y]")],
        variants=[  # the p - 1_y way: dscores = p.copy(); dscores[:, y] -= 1
            [Rhs("dscores", "(probs - np.isin(np.arange(probs.shape[1]), y)) / N")]
        ],
        hint="dlogp[:, y] fills whole columns instead of one entry per row",
    ),
    Mistake(
        id="softmax_loss_vectorized.log_softmax_backward_missing_softmax_term",
        function="softmax_loss_vectorized",
        edits=[Rhs("dscores", "dlogp")],
        hint="backprop through log_softmax keeps the one-hot part and drops the softmax term",
    ),
]

# logsumexp (teach, issue 14)
MISTAKES += [
    Mistake(
        id="logsumexp.max_not_added_back",
        function="logsumexp",
        edits=[
            Swap(
                "m + np.log(np.sum(np.exp(f - m[..., None]), axis=-1))",
                "np.log(np.sum(np.exp(f - m[..., None]), axis=-1))",
            )
        ],
        hint="the row maximum subtracted before exp is not added back to the result",
    ),
    Mistake(
        id="logsumexp.mean_instead_of_sum",
        function="logsumexp",
        edits=[Swap("np.sum", "np.mean")],
        hint="the exponentials are averaged instead of summed (every value is off by log C)",
    ),
]
