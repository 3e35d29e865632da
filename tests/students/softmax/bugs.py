# ruff: noqa: E501 - patches quote whole lines of student code
"""Wrong answers of the softmax chapter. Losses are broken on the styles that pass today
(loops, onehot, einsum), ``log_softmax`` on those whose correct version passes (cs231n,
helpers), so that a failure is the bug's and not an unfair hidden case's."""

from students.styles import Bug

_ONEHOT_LSE_NO_MAX = """def logsumexp(f):
    m = f.max(axis=-1)
    return np.log(np.exp(f - m[..., None]).sum(axis=-1))
"""
_SCIPY_LIKE_LSE_MEAN = """def logsumexp(f, axis=-1, keepdims=False):
    m = np.max(f, axis=axis, keepdims=True)
    out = m + np.log(np.mean(np.exp(f - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)
"""

BUGS = [
    Bug(
        "softmax.no_max_shift",
        "softmax",
        "onehot",
        patch=[("np.exp(f - f.max(axis=-1, keepdims=True))", "np.exp(f)")],
    ),
    Bug(
        "softmax.sum_over_wrong_axis",
        "softmax",
        "helpers",
        patch=[("exps / np.sum(exps, axis=-1)[..., None]", "exps / np.sum(exps, axis=0)")],
    ),
    Bug(
        "log_softmax.log_of_softmax",
        "log_softmax",
        "cs231n",
        patch=[
            (
                "return f - np.log(np.sum(np.exp(f), axis=-1, keepdims=True))",
                "return np.log(np.exp(f) / np.sum(np.exp(f), axis=-1, keepdims=True))",
            )
        ],
    ),
    Bug(
        "log_softmax.no_max_shift",
        "log_softmax",
        "helpers",
        patch=[("m = np.amax(f, axis=-1)[..., None]", "m = 0.0")],
    ),
    Bug(
        "log_softmax.missing_logsumexp",
        "log_softmax",
        "cs231n",
        patch=[("return f - np.log(np.sum(np.exp(f), axis=-1, keepdims=True))", "return f")],
    ),
    Bug(
        "log_softmax.logsumexp_wrong_axis",
        "log_softmax",
        "helpers",
        patch=[
            (
                "np.log(np.sum(np.exp(f - m), axis=-1))[..., None]",
                "np.log(np.sum(np.exp(f - m), axis=0))[None, ...]",
            )
        ],
    ),
    Bug(
        "nll.sum_instead_of_mean", "nll", "loops", patch=[("return total / len(y)", "return total")]
    ),
    Bug("nll.no_minus_sign", "nll", "helpers", patch=[("return -np.mean(", "return np.mean(")]),
    Bug(
        "nll.column_block",
        "nll",
        "einsum",
        patch=[("np.take_along_axis(logp, np.asarray(y)[:, None], axis=1)", "logp[:, y]")],
    ),
    Bug(
        "nll.divides_by_classes",
        "nll",
        "loops",
        patch=[("return total / len(y)", "return total / logp.shape[1]")],
    ),
    Bug(
        "softmax_loss_naive.no_division_by_N",
        "softmax_loss_naive",
        "onehot",
        patch=[("return loss / N + reg", "return loss + reg"), ("dW / N + 2", "dW + 2")],
    ),
    Bug(
        "softmax_loss_naive.dW_not_divided_by_N",
        "softmax_loss_naive",
        "loops",
        patch=[("    dW = dW / N\n", "")],
    ),
    Bug(
        "softmax_loss_naive.no_max_shift",
        "softmax_loss_naive",
        "onehot",
        patch=[("logp = s - np.logaddexp.reduce(s)", "logp = s - np.log(np.sum(np.exp(s)))")],
    ),
    Bug(
        "softmax_loss_naive.no_reg_gradient",
        "softmax_loss_naive",
        "einsum",
        patch=[("dW = dW / N + 2 * reg * W", "dW = dW / N")],
    ),
    Bug(
        "softmax_loss_naive.reg_gradient_without_2",
        "softmax_loss_naive",
        "loops",
        patch=[("dW[d, j] += 2 * reg * W[d, j]", "dW[d, j] += reg * W[d, j]")],
    ),
    Bug(
        "softmax_loss_naive.no_reg_loss",
        "softmax_loss_naive",
        "onehot",
        patch=[("return loss / N + reg * np.sum(W * W), ", "return loss / N, ")],
    ),
    Bug(
        "softmax_loss_vectorized.no_division_by_N",
        "softmax_loss_vectorized",
        "einsum",
        patch=[
            (
                "loss = np.mean(lse - scores[np.arange(N), y])",
                "loss = np.sum(lse - scores[np.arange(N), y])",
            ),
            ('np.einsum("nd,nc->dc", X, dscores) / N', 'np.einsum("nd,nc->dc", X, dscores)'),
        ],
    ),
    Bug(
        "softmax_loss_vectorized.dlogp_not_divided_by_N",
        "softmax_loss_vectorized",
        "onehot",
        patch=[("dW = X.T @ (P - Y) / N + 2", "dW = X.T @ (P - Y) + 2")],
    ),
    Bug(
        "softmax_loss_vectorized.half_reg_loss",
        "softmax_loss_vectorized",
        "loops",
        patch=[("+ reg * np.sum(W**2)", "+ 0.5 * reg * np.sum(W**2)")],
    ),
    Bug(
        "softmax_loss_vectorized.reg_gradient_twice",
        "softmax_loss_vectorized",
        "onehot",
        patch=[("    return loss, dW\n", "    dW += 2 * reg * W\n    return loss, dW\n")],
    ),
    Bug(
        "softmax_loss_vectorized.one_hot_whole_columns",
        "softmax_loss_vectorized",
        "einsum",
        patch=[("dscores[np.arange(N), y] -= 1", "dscores[:, y] -= 1")],
    ),
    Bug(
        "softmax_loss_vectorized.log_softmax_backward_missing_softmax_term",
        "softmax_loss_vectorized",
        "onehot",
        patch=[("dW = X.T @ (P - Y) / N", "dW = X.T @ (-Y) / N")],
    ),
    # issue 9's reg bug of the vectorised loss, and the 0.5 * reg convention
    Bug(
        "softmax_loss_vectorized.reg_gradient_without_2",
        "softmax_loss_vectorized",
        "onehot",
        patch=[("/ N + 2 * reg * W", "/ N + reg * W")],
    ),
    Bug(
        "softmax_loss_vectorized.convention_half_reg",
        "softmax_loss_vectorized",
        "einsum",
        patch=[
            ('+ reg * np.einsum("dc,dc->", W, W)', '+ 0.5 * reg * np.einsum("dc,dc->", W, W)'),
            ("/ N + 2 * reg * W", "/ N + reg * W"),
        ],
        about="0.5 * reg * sum(W^2) with gradient reg * W: self-consistent, not the notebook's",
    ),
    Bug(
        "softmax_loss_naive.convention_half_reg",
        "softmax_loss_naive",
        "loops",
        patch=[
            ("loss += reg * W[d, j] ** 2", "loss += 0.5 * reg * W[d, j] ** 2"),
            ("dW[d, j] += 2 * reg * W[d, j]", "dW[d, j] += reg * W[d, j]"),
        ],
        about="0.5 * reg * sum(W^2) with gradient reg * W, written with loops",
    ),
    # logsumexp: student-style versions of the catalogue's two mistakes
    Bug(
        "logsumexp.max_not_added_back",
        "logsumexp",
        "loops",
        patch=[("out[r] = m + math.log(total)", "out[r] = math.log(total)")],
        about="the loop subtracts the row max before exp and forgets it afterwards",
    ),
    Bug(
        "logsumexp.max_not_added_back",
        "logsumexp",
        "helpers",
        patch=[
            (
                "return m + np.log(np.exp(shifted).sum(axis=-1))",
                "return np.log(np.exp(shifted).sum(axis=-1))",
            )
        ],
        about="the helper's shifted rows used, its max dropped",
    ),
    Bug(
        "logsumexp.mean_instead_of_sum",
        "logsumexp",
        "cs231n",
        patch=[
            (
                "np.log(np.sum(np.exp(f - f_max), axis=-1))",
                "np.log(np.exp(f - f_max).mean(axis=-1))",
            )
        ],
        about="a .mean() where the sum belongs",
    ),
    Bug(
        "logsumexp.mean_instead_of_sum",
        "logsumexp",
        "loops",
        patch=[("out[r] = m + math.log(total)", "out[r] = m + math.log(total / len(rows[r]))")],
        about="the loop's total divided by the number of classes",
    ),
    # on styles whose later cells call their logsumexp: the bug must cost its point only
    Bug(
        "logsumexp.max_not_added_back",
        "logsumexp",
        "onehot",
        source=_ONEHOT_LSE_NO_MAX,
        about="logsumexp rewritten with a max shift that is not added back; log_softmax calls it",
    ),
    Bug(
        "logsumexp.mean_instead_of_sum",
        "logsumexp",
        "einsum",
        source=_SCIPY_LIKE_LSE_MEAN,
        about="a scipy-like logsumexp(f, axis=-1, keepdims=False) of its own that averages; "
        "log_softmax and the vectorised loss call it with axis/keepdims",
    ),
    Bug(
        "python2.xrange",
        "softmax_loss_naive",
        "loops",
        patch=[("    for i in range(N):\n", "    for i in xrange(N):\n")],
    ),
    Bug(
        "python2.np_float",
        "softmax_loss_vectorized",
        "onehot",
        patch=[("Y = np.eye(C, dtype=np.float32)[y]", "Y = np.eye(C, dtype=np.float)[y]")],
    ),
]
