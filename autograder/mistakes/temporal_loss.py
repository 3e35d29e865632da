"""Known mistakes of the temporal_loss chapter (format: :mod:`autograder.mistakes.base`)."""

from autograder.mistakes.base import Mistake
from autograder.mistakes.edits import Drop, Insert, Rhs, Swap

_MASK_DX = "dx_flat *= mask_flat[:, None] / N"

MISTAKES = [
    # word embedding
    Mistake(
        id="word_embedding_backward.fancy_index_add",
        function="word_embedding_backward",
        edits=[Insert("np.add.at(dW, x, dout)", "dW[x] += dout"), Drop("np.add.at(dW, x, dout)")],
        hint="dW[x] += dout keeps one gradient per repeated word; repeats must add up (np.add.at)",
    ),
    # temporal affine
    Mistake(
        id="temporal_affine_forward.time_major_reshape",
        function="temporal_affine_forward",
        edits=[Swap("x.reshape(N * T, D)", "x.transpose(1, 0, 2).reshape(N * T, D)")],
        hint="x is flattened time-major (T, N) but the result is reshaped back as (N, T, M)",
    ),
    Mistake(
        id="temporal_affine_forward.no_bias",
        function="temporal_affine_forward",
        edits=[
            Swap(
                "(x.reshape(N * T, D) @ w).reshape(N, T, M) + b",
                "(x.reshape(N * T, D) @ w).reshape(N, T, M)",
            )
        ],
        hint="the bias b is not added",
    ),
    Mistake(
        id="temporal_affine_backward.db_over_batch_only",
        function="temporal_affine_backward",
        edits=[Swap("dout_flat", "dout", within="db")],
        hint="db sums dout over the batch axis only; it must also sum over time",
    ),
    Mistake(
        id="temporal_affine_backward.dw_transposed",
        function="temporal_affine_backward",
        edits=[Rhs("dw", "dout_flat.T @ x.reshape(N * T, D)")],
        hint="dw is computed transposed: it must have the shape of w, (D, M)",
    ),
    Mistake(
        id="temporal_affine_backward.dx_reshape_time_major",
        function="temporal_affine_backward",
        edits=[
            Swap(
                "(dout_flat @ w.T).reshape(N, T, D)",
                "(dout_flat @ w.T).reshape(T, N, D).transpose(1, 0, 2)",
            )
        ],
        hint="dx is reshaped as (T, N, D) and transposed, mixing batch and time",
    ),
    # temporal softmax loss, loop version
    Mistake(
        id="temporal_softmax_loss_loop.loss_overwritten",
        function="temporal_softmax_loss_loop",
        edits=[Swap("loss + np.sum(loss_t[mask[:, t]]) / N", "np.sum(loss_t[mask[:, t]]) / N")],
        hint="loss is overwritten at every time step instead of summed over time",
    ),
    Mistake(
        id="temporal_softmax_loss_loop.mask_not_in_dx",
        function="temporal_softmax_loss_loop",
        edits=[Rhs("dx[:, t]", "dscores / N")],
        hint="dx[:, t] is not masked: masked time steps get gradient",
    ),
    Mistake(
        id="temporal_softmax_loss_loop.no_division_by_N",
        function="temporal_softmax_loss_loop",
        edits=[Swap("N", "1", within="loss"), Swap("N", "1", within="dx[:, t]")],
        hint="loss and dx of each time step are not divided by the minibatch size N",
    ),
    Mistake(
        id="temporal_softmax_loss_loop.no_max_shift",
        function="temporal_softmax_loss_loop",
        edits=[Rhs("shifted", "scores")],
        hint="scores at step t are not shifted by their row maximum: exp overflows for big scores",
    ),
    # temporal softmax loss, vectorized
    Mistake(
        id="temporal_softmax_loss.mask_not_in_backward",
        function="temporal_softmax_loss",
        edits=[Insert(_MASK_DX, "dx_flat /= N"), Drop(_MASK_DX)],
        hint="the mask is applied to the loss but not to dx (masked steps get gradient)",
    ),
    Mistake(
        id="temporal_softmax_loss.mask_not_in_forward",
        function="temporal_softmax_loss",
        edits=[Swap("losses[mask_flat]", "losses")],
        hint="the mask is applied to dx but not to the loss (masked steps are counted)",
    ),
    Mistake(
        id="temporal_softmax_loss.no_division_by_N",
        function="temporal_softmax_loss",
        edits=[Swap("N", "1", within="loss"), Swap("mask_flat[:, None] / N", "mask_flat[:, None]")],
        hint="loss and dx are not divided by N (the loss is averaged over the minibatch)",
    ),
    Mistake(
        id="temporal_softmax_loss.mean_over_time",
        function="temporal_softmax_loss",
        edits=[
            Swap("N", "(N * T)", within="loss"),
            Swap("mask_flat[:, None] / N", "mask_flat[:, None] / (N * T)"),
        ],
        hint="divided by N * T; the loss is summed over time and averaged over the minibatch only",
    ),
    Mistake(
        id="temporal_softmax_loss.mean_over_unmasked",
        function="temporal_softmax_loss",
        edits=[
            Swap("N", "mask_flat.sum()", within="loss"),
            Swap("mask_flat[:, None] / N", "mask_flat[:, None] / mask_flat.sum()"),
        ],
        hint="divided by the number of unmasked steps; CS231n divides by the minibatch size N",
    ),
    Mistake(
        id="temporal_softmax_loss.no_max_shift",
        function="temporal_softmax_loss",
        edits=[Rhs("shifted", "x_flat")],
        hint="x is not shifted by its row maximum before exp, which overflows for large scores",
    ),
    Mistake(
        id="temporal_softmax_loss.one_hot_whole_columns",
        function="temporal_softmax_loss",
        edits=[Swap("dx_flat[np.arange(N * T), y_flat]", "dx_flat[:, y_flat]")],
        hint="dx_flat[:, y_flat] hits whole columns instead of one entry per row",
    ),
]
