"""Known mistakes of the softmax chapter (format: :mod:`autograder.mistakes.base`)."""

from autograder.mistakes.base import Mistake

MISTAKES = [
    Mistake(
        id="softmax.no_max_shift",
        function="softmax",
        patch=[("shifted = f - np.max(f, axis=-1, keepdims=True)", "shifted = f")],
        hint="scores are not shifted by their row maximum, so exp overflows for large scores",
    ),
]
