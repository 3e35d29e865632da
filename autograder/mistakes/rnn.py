"""Known mistakes of the rnn chapter (format: :mod:`autograder.mistakes.base`)."""

from autograder.mistakes.base import Mistake

MISTAKES = [
    Mistake(
        id="rnn_backward.dprev_h_not_carried",
        function="rnn_backward",
        patch=[("dnext_h = dh[:, t] + dprev_h", "dnext_h = dh[:, t]")],
        hint="the gradient from step t+1 (dprev_h) is not added to dh[:, t]",
    ),
    Mistake(
        id="CaptioningRNN.loss.mask_inverted",
        function="CaptioningRNN.loss",
        patch=[("mask = captions_out != self._null", "mask = captions_out == self._null")],
        hint="the mask keeps the <NULL> padding and drops the real words (== instead of !=)",
    ),
]
