# ruff: noqa: E501 - patches quote whole lines of student code
"""Wrong answers of the temporal_loss chapter (losses broken on styles that pass today)."""

from students.styles import Bug

_EINSUM_LSE = "np.log(np.sum(np.exp(x[:, t]), axis=1, keepdims=True))"

BUGS = [
    Bug(
        "word_embedding_backward.fancy_index_add",
        "word_embedding_backward",
        "cs231n",
        patch=[("np.add.at(dW, x, dout)", "dW[x, :] += dout")],
    ),
    Bug(
        "temporal_affine_forward.time_major_reshape",
        "temporal_affine_forward",
        "cs231n",
        patch=[("x.reshape(N * T, D).dot(w)", "x.transpose(1, 0, 2).reshape(T * N, D).dot(w)")],
    ),
    Bug(
        "temporal_affine_forward.no_bias",
        "temporal_affine_forward",
        "einsum",
        patch=[('np.einsum("ntd,dm->ntm", x, w) + b', 'np.einsum("ntd,dm->ntm", x, w)')],
    ),
    Bug(
        "temporal_affine_backward.db_over_batch_only",
        "temporal_affine_backward",
        "einsum",
        patch=[('np.einsum("ntm->m", dout)', 'np.einsum("ntm->tm", dout)')],
    ),
    Bug(
        "temporal_affine_backward.dw_transposed",
        "temporal_affine_backward",
        "dict_cache",
        patch=[("np.tensordot(x, dout, axes=", "np.tensordot(dout, x, axes=")],
    ),
    Bug(
        "temporal_affine_backward.dx_reshape_time_major",
        "temporal_affine_backward",
        "cs231n",
        patch=[(".dot(w.T).reshape(N, T, D)", ".dot(w.T).reshape(T, N, D).transpose(1, 0, 2)")],
    ),
    Bug(
        "temporal_softmax_loss_loop.loss_overwritten",
        "temporal_softmax_loss_loop",
        "einsum",
        patch=[("loss -= np.einsum(", "loss = -np.einsum(")],
    ),
    Bug(
        "temporal_softmax_loss_loop.mask_not_in_dx",
        "temporal_softmax_loss_loop",
        "dict_cache",
        patch=[("        g[~keep] = 0.0\n", "")],
    ),
    Bug(
        "temporal_softmax_loss_loop.no_division_by_N",
        "temporal_softmax_loss_loop",
        "loops",
        patch=[("loss += l / N", "loss += l"), ("dx[n, t] = g / N", "dx[n, t] = g")],
    ),
    Bug(
        "temporal_softmax_loss_loop.no_max_shift",
        "temporal_softmax_loss_loop",
        "einsum",
        patch=[("logsumexp(x[:, t], axis=1, keepdims=True)", _EINSUM_LSE)],
    ),
    Bug(
        "temporal_softmax_loss.mask_not_in_backward",
        "temporal_softmax_loss",
        "dict_cache",
        patch=[("    dx[~mf] = 0.0\n", "")],
    ),
    Bug(
        "temporal_softmax_loss.mask_not_in_forward",
        "temporal_softmax_loss",
        "einsum",
        patch=[('loss = -np.einsum("nt,nt->", m, picked) / N', "loss = -picked.sum() / N")],
    ),
    Bug(
        "temporal_softmax_loss.no_division_by_N",
        "temporal_softmax_loss",
        "loops",
        patch=[("return loss / N, dx / N", "return loss, dx")],
    ),
    Bug(
        "temporal_softmax_loss.mean_over_time",
        "temporal_softmax_loss",
        "dict_cache",
        patch=[
            ("losses[mf].sum() / N", "losses[mf].sum() / (N * T)"),
            ("(dx / N)", "(dx / (N * T))"),
        ],
    ),
    Bug(
        "temporal_softmax_loss.mean_over_unmasked",
        "temporal_softmax_loss",
        "einsum",
        patch=[
            (
                'loss = -np.einsum("nt,nt->", m, picked) / N',
                'loss = -np.einsum("nt,nt->", m, picked) / m.sum()',
            ),
            ("* m[..., None] / N", "* m[..., None] / m.sum()"),
        ],
    ),
    Bug(
        "temporal_softmax_loss.no_max_shift",
        "temporal_softmax_loss",
        "einsum",
        patch=[
            (
                "logp = x - logsumexp(x, axis=2, keepdims=True)",
                "logp = x - np.log(np.sum(np.exp(x), axis=2, keepdims=True))",
            )
        ],
    ),
    Bug(
        "temporal_softmax_loss.one_hot_whole_columns",
        "temporal_softmax_loss",
        "dict_cache",
        patch=[("dx[np.arange(N * T), yf] -= 1", "dx[:, yf] -= 1")],
    ),
    Bug(
        "python2.xrange",
        "temporal_softmax_loss_loop",
        "loops",
        patch=[
            (
                "    for t in range(T):\n        for n in range(N):\n            if",
                "    for t in xrange(T):\n        for n in range(N):\n            if",
            )
        ],
    ),
    Bug(
        "python2.np_float",
        "temporal_softmax_loss",
        "einsum",
        patch=[
            ("onehot = np.eye(V, dtype=np.float32)[y]", "onehot = np.eye(V, dtype=np.float)[y]")
        ],
    ),
]
