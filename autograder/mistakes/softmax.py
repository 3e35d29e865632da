"""Known mistakes of the softmax chapter (format: :mod:`autograder.mistakes.base`)."""

from autograder.mistakes.base import Mistake

_LOG_OF_SOFTMAX = (
    "    exp_shifted = np.exp(shifted)\n"
    "    return np.log(exp_shifted / np.sum(exp_shifted, axis=-1, keepdims=True))"
)

MISTAKES = [
    # softmax(f)
    Mistake(
        id="softmax.no_max_shift",
        function="softmax",
        patch=[("shifted = f - np.max(f, axis=-1, keepdims=True)", "shifted = f")],
        hint="scores are not shifted by their row maximum, so exp overflows for large scores",
    ),
    Mistake(
        id="softmax.sum_over_wrong_axis",
        function="softmax",
        patch=[
            (
                "np.sum(exp_shifted, axis=-1, keepdims=True)",
                "np.sum(exp_shifted, axis=0, keepdims=True)",
            )
        ],
        hint="the exponentials are normalised over axis 0 (the examples), not over the classes",
    ),
    # log_softmax(f)
    Mistake(
        id="log_softmax.log_of_softmax",
        function="log_softmax",
        patch=[
            (
                "    logsumexp = np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))\n"
                "    return shifted - logsumexp",
                _LOG_OF_SOFTMAX,
            )
        ],
        hint="log(softmax(f)) underflows to log(0) = -inf; use shifted - log(sum(exp(shifted)))",
    ),
    Mistake(
        id="log_softmax.no_max_shift",
        function="log_softmax",
        patch=[("shifted = f - np.max(f, axis=-1, keepdims=True)", "shifted = f")],
        hint="log-sum-exp without subtracting the row maximum: exp(f) overflows for large scores",
    ),
    Mistake(
        id="log_softmax.missing_logsumexp",
        function="log_softmax",
        patch=[("return shifted - logsumexp", "return shifted")],
        hint="the log-sum-exp term is not subtracted (returns the shifted scores)",
    ),
    Mistake(
        id="log_softmax.logsumexp_wrong_axis",
        function="log_softmax",
        patch=[
            (
                "np.sum(np.exp(shifted), axis=-1, keepdims=True)",
                "np.sum(np.exp(shifted), axis=0, keepdims=True)",
            )
        ],
        hint="the log-sum-exp sums over axis 0 (the examples) instead of the classes",
    ),
    # nll(logp, y)
    Mistake(
        id="nll.sum_instead_of_mean",
        function="nll",
        patch=[("return -np.mean(logp[np.arange(N), y])", "return -np.sum(logp[np.arange(N), y])")],
        hint="the negative log-likelihoods are summed, not averaged over the N examples",
    ),
    Mistake(
        id="nll.no_minus_sign",
        function="nll",
        patch=[("return -np.mean(", "return np.mean(")],
        hint="the minus sign is missing: the loss is -mean(logp[i, y[i]])",
    ),
    Mistake(
        id="nll.column_block",
        function="nll",
        patch=[("logp[np.arange(N), y]", "logp[:, y]")],
        hint="logp[:, y] takes an N x N block; pick one entry per row with logp[np.arange(N), y]",
    ),
    Mistake(
        id="nll.divides_by_classes",
        function="nll",
        patch=[
            (
                "return -np.mean(logp[np.arange(N), y])",
                "return -np.sum(logp[np.arange(N), y]) / logp.shape[1]",
            )
        ],
        hint="divided by the number of classes C (logp.shape[1]), not by the number of examples N",
    ),
    # softmax_loss_naive(W, X, y, reg)
    Mistake(
        id="softmax_loss_naive.no_division_by_N",
        function="softmax_loss_naive",
        patch=[
            (
                "loss += -(shifted[y[i]] - np.log(sum_exp)) / N",
                "loss += -(shifted[y[i]] - np.log(sum_exp))",
            ),
            ("- (j == y[i])) / N", "- (j == y[i]))"),
        ],
        hint="loss and dW are summed over the examples, not divided by N",
    ),
    Mistake(
        id="softmax_loss_naive.dW_not_divided_by_N",
        function="softmax_loss_naive",
        patch=[("- (j == y[i])) / N", "- (j == y[i]))")],
        hint="the loss is divided by N but the gradient dW is not",
    ),
    Mistake(
        id="softmax_loss_naive.no_max_shift",
        function="softmax_loss_naive",
        patch=[("shifted = scores - np.max(scores)", "shifted = scores")],
        hint="scores[i] are not shifted by their maximum: exp overflows to inf for large scores",
    ),
    Mistake(
        id="softmax_loss_naive.no_reg_gradient",
        function="softmax_loss_naive",
        patch=[("    dW += 2 * reg * W\n", "")],
        hint="the regularisation gradient 2 * reg * W is not added to dW",
    ),
    Mistake(
        id="softmax_loss_naive.reg_gradient_without_2",
        function="softmax_loss_naive",
        patch=[("dW += 2 * reg * W", "dW += reg * W")],
        hint="dW gets reg * W, but the derivative of reg * sum(W * W) is 2 * reg * W",
    ),
    Mistake(
        id="softmax_loss_naive.no_reg_loss",
        function="softmax_loss_naive",
        patch=[("    loss += reg * np.sum(W * W)\n", "")],
        hint="the regularisation term reg * sum(W * W) is missing from the loss",
    ),
    # softmax_loss_vectorized(W, X, y, reg)
    Mistake(
        id="softmax_loss_vectorized.no_division_by_N",
        function="softmax_loss_vectorized",
        patch=[
            (
                "data_loss = nll(logp, y)  # mean_i -logp[i, y[i]]",
                "data_loss = -np.sum(logp[np.arange(N), y])",
            ),
            ("= -ddata_loss / N", "= -ddata_loss"),
        ],
        hint="the data loss and its gradient are sums over the minibatch, not means (divide by N)",
    ),
    Mistake(
        id="softmax_loss_vectorized.dlogp_not_divided_by_N",
        function="softmax_loss_vectorized",
        patch=[("= -ddata_loss / N", "= -ddata_loss")],
        hint="the data loss is a mean over N examples, but its gradient is not divided by N",
    ),
    Mistake(
        id="softmax_loss_vectorized.half_reg_loss",
        function="softmax_loss_vectorized",
        patch=[("reg_loss = reg * np.sum(W * W)", "reg_loss = 0.5 * reg * np.sum(W * W)")],
        hint="the loss uses 0.5 * reg * sum(W * W) but dW uses 2 * reg * W (factors disagree)",
    ),
    Mistake(
        id="softmax_loss_vectorized.reg_gradient_twice",
        function="softmax_loss_vectorized",
        patch=[("dW += X.T @ dscores", "dW += X.T @ dscores + 2 * reg * W")],
        hint="the regularisation gradient 2 * reg * W is added to dW twice",
    ),
    Mistake(
        id="softmax_loss_vectorized.one_hot_whole_columns",
        function="softmax_loss_vectorized",
        patch=[("dlogp[np.arange(N), y] =", "dlogp[:, y] =")],
        hint="dlogp[:, y] fills whole columns; 1_y is one entry per row: dlogp[np.arange(N), y]",
    ),
    Mistake(
        id="softmax_loss_vectorized.log_softmax_backward_missing_softmax_term",
        function="softmax_loss_vectorized",
        patch=[
            (
                "dscores = dlogp - probs * np.sum(dlogp, axis=1, keepdims=True)",
                "dscores = dlogp",
            )
        ],
        hint="backprop through log_softmax drops the -s * sum(dlogp) term (dscores = s - 1_y)",
    ),
]

# logsumexp (teach, issue 14)
MISTAKES += [
    Mistake(
        id="logsumexp.max_not_added_back",
        function="logsumexp",
        patch=[("return m + np.log(", "return np.log(")],
        hint="the maximum subtracted before exp is not added back: lse = m + log(sum(exp(f - m)))",
    ),
    Mistake(
        id="logsumexp.mean_instead_of_sum",
        function="logsumexp",
        patch=[("np.log(np.sum(np.exp(", "np.log(np.mean(np.exp(")],
        hint="the exponentials are averaged; log-sum-exp sums them (off by log C)",
    ),
]
