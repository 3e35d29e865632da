"""Known mistakes of the temporal_loss chapter (format: :mod:`autograder.mistakes.base`)."""

from autograder.mistakes.base import Mistake

MISTAKES = [
    # word embedding
    Mistake(
        id="word_embedding_backward.fancy_index_add",
        function="word_embedding_backward",
        patch=[("np.add.at(dW, x, dout)", "dW[x] += dout")],
        hint="dW[x] += dout (or = dout) keeps one gradient per repeated word; use np.add.at",
    ),
    # temporal affine
    Mistake(
        id="temporal_affine_forward.time_major_reshape",
        function="temporal_affine_forward",
        patch=[("(x.reshape(N * T, D) @ w)", "(x.transpose(1, 0, 2).reshape(N * T, D) @ w)")],
        hint="x is flattened time-major (T, N) but the result is reshaped back as (N, T, M)",
    ),
    Mistake(
        id="temporal_affine_forward.no_bias",
        function="temporal_affine_forward",
        patch=[(".reshape(N, T, M) + b", ".reshape(N, T, M)")],
        hint="the bias b is not added",
    ),
    Mistake(
        id="temporal_affine_backward.db_over_batch_only",
        function="temporal_affine_backward",
        patch=[("db = dout_flat.sum(axis=0)", "db = dout.sum(axis=0)")],
        hint="db sums dout over the batch axis only; sum over batch and time, axis=(0, 1)",
    ),
    Mistake(
        id="temporal_affine_backward.dw_transposed",
        function="temporal_affine_backward",
        patch=[
            (
                "dw = x.reshape(N * T, D).T @ dout_flat",
                "dw = dout_flat.T @ x.reshape(N * T, D)",
            )
        ],
        hint="dw is computed transposed (dout_flat.T @ x_flat); it is x_flat.T @ dout_flat, (D, M)",
    ),
    Mistake(
        id="temporal_affine_backward.dx_reshape_time_major",
        function="temporal_affine_backward",
        patch=[
            (
                "dx = (dout_flat @ w.T).reshape(N, T, D)",
                "dx = (dout_flat @ w.T).reshape(T, N, D).transpose(1, 0, 2)",
            )
        ],
        hint="dx is reshaped as (T, N, D) and transposed, mixing batch and time",
    ),
    # temporal softmax loss, loop version
    Mistake(
        id="temporal_softmax_loss_loop.loss_overwritten",
        function="temporal_softmax_loss_loop",
        patch=[("loss = loss + np.sum(", "loss = np.sum(")],
        hint="loss is overwritten at every time step instead of summed over time",
    ),
    Mistake(
        id="temporal_softmax_loss_loop.mask_not_in_dx",
        function="temporal_softmax_loss_loop",
        patch=[("dx[:, t] = dscores * mask[:, t, None] / N", "dx[:, t] = dscores / N")],
        hint="dx[:, t] is not multiplied by mask[:, t] (masked steps get gradient)",
    ),
    Mistake(
        id="temporal_softmax_loss_loop.no_division_by_N",
        function="temporal_softmax_loss_loop",
        patch=[
            ("np.sum(loss_t[mask[:, t]]) / N", "np.sum(loss_t[mask[:, t]])"),
            ("dscores * mask[:, t, None] / N", "dscores * mask[:, t, None]"),
        ],
        hint="loss and dx of each time step are not divided by the minibatch size N",
    ),
    Mistake(
        id="temporal_softmax_loss_loop.no_max_shift",
        function="temporal_softmax_loss_loop",
        patch=[("shifted = scores - scores.max(axis=1, keepdims=True)", "shifted = scores")],
        hint="scores at step t are not shifted by their row maximum: exp overflows for big scores",
    ),
    # temporal softmax loss, vectorized
    Mistake(
        id="temporal_softmax_loss.mask_not_in_backward",
        function="temporal_softmax_loss",
        patch=[("dx_flat *= mask_flat[:, None] / N", "dx_flat /= N")],
        hint="the mask is applied to the loss but not to dx (masked steps get gradient)",
    ),
    Mistake(
        id="temporal_softmax_loss.mask_not_in_forward",
        function="temporal_softmax_loss",
        patch=[("loss = np.sum(losses[mask_flat]) / N", "loss = np.sum(losses) / N")],
        hint="the mask is applied to dx but not to the loss (masked steps are counted)",
    ),
    Mistake(
        id="temporal_softmax_loss.no_division_by_N",
        function="temporal_softmax_loss",
        patch=[
            ("loss = np.sum(losses[mask_flat]) / N", "loss = np.sum(losses[mask_flat])"),
            ("dx_flat *= mask_flat[:, None] / N", "dx_flat *= mask_flat[:, None]"),
        ],
        hint="loss and dx are not divided by N (the loss is averaged over the minibatch)",
    ),
    Mistake(
        id="temporal_softmax_loss.mean_over_time",
        function="temporal_softmax_loss",
        patch=[
            ("loss = np.sum(losses[mask_flat]) / N", "loss = np.sum(losses[mask_flat]) / (N * T)"),
            ("dx_flat *= mask_flat[:, None] / N", "dx_flat *= mask_flat[:, None] / (N * T)"),
        ],
        hint="divided by N * T; the loss is summed over time and averaged over the minibatch only",
    ),
    Mistake(
        id="temporal_softmax_loss.mean_over_unmasked",
        function="temporal_softmax_loss",
        patch=[
            ("np.sum(losses[mask_flat]) / N", "np.sum(losses[mask_flat]) / mask_flat.sum()"),
            (
                "dx_flat *= mask_flat[:, None] / N",
                "dx_flat *= mask_flat[:, None] / mask_flat.sum()",
            ),
        ],
        hint="divided by the number of unmasked steps; CS231n divides by the minibatch size N",
    ),
    Mistake(
        id="temporal_softmax_loss.no_max_shift",
        function="temporal_softmax_loss",
        patch=[("shifted = x_flat - x_flat.max(axis=1, keepdims=True)", "shifted = x_flat")],
        hint="x is not shifted by its row maximum before exp, which overflows for large scores",
    ),
    Mistake(
        id="temporal_softmax_loss.one_hot_whole_columns",
        function="temporal_softmax_loss",
        patch=[("dx_flat[np.arange(N * T), y_flat] -= 1", "dx_flat[:, y_flat] -= 1")],
        hint="dx_flat[:, y_flat] -= 1 hits whole columns; use dx_flat[np.arange(N * T), y_flat]",
    ),
]
