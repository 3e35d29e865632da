"""Known mistakes of the temporal_loss chapter (format: :mod:`autograder.mistakes.base`)."""

from autograder.mistakes.base import Mistake

MISTAKES = [
    Mistake(
        id="word_embedding_backward.fancy_index_add",
        function="word_embedding_backward",
        patch=[("np.add.at(dW, x, dout)", "dW[x] += dout")],
        hint="dW[x] += dout keeps one gradient per repeated word; use np.add.at to sum them",
    ),
    Mistake(
        id="temporal_softmax_loss.mask_not_in_backward",
        function="temporal_softmax_loss",
        patch=[("dx_flat *= mask_flat[:, None] / N", "dx_flat /= N")],
        hint="the mask is applied to the loss but not to dx (masked steps get gradient)",
    ),
]
