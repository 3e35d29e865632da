"""Where the book teaches each graded function: the link a ranked mistake points to.

A catalogue mistake names the function it breaks (``Mistake.function``); :data:`SECTIONS`
maps that function to the derivation page and the section heading that derives it. The
anchor is the id Sphinx gives that heading (docutils' ``make_id`` of its text, what
``<section id="...">`` carries in the built page). ``tests/test_report_book.py`` checks
that every function of the catalogue has an entry and that every entry is a real heading
of ``book/derivations/<page>.md`` with that id, and of the built book.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from docutils.nodes import make_id


@dataclass(frozen=True)
class Section:
    """Heading ``title`` of ``book/derivations/<page>.md``."""

    page: str
    title: str

    @property
    def anchor(self):
        """The section id in the built page (math in the title counts as its TeX text)."""
        return make_id(re.sub(r"[$`]", "", self.title))

    @property
    def path(self):
        return f"book/derivations/{self.page}.html"

    def url(self, base):
        """The link from a report whose book lives at ``base`` (a URL or relative path)."""
        return posixpath.join(base, self.path) + "#" + self.anchor


_GRADCHECK = {
    "rel_error": "Relative error",
    "eval_numerical_gradient": "Centered differences",
    "eval_numerical_gradient_array": "Gradients of array-valued functions",
    "finite_difference_errors": "Truncation against round-off",
}
_SOFTMAX = {
    "softmax": "Softmax, stably",
    "logsumexp": "Softmax, stably",
    "log_softmax": "Softmax, stably",
    "nll": "Cross-entropy and the negative log-likelihood",
    "softmax_loss_naive": "The full loss with L2 regularisation",
    "softmax_loss_vectorized": "The full loss with L2 regularisation",
}
_TEMPORAL = {
    "word_embedding_forward": "Word embeddings",
    "word_embedding_backward": "Word embeddings",
    "temporal_affine_forward": "Temporal affine layer",
    "temporal_affine_backward": "Temporal affine layer",
    "temporal_softmax_loss": "Temporal softmax loss with a mask",
    "temporal_softmax_loss_loop": "Temporal softmax loss with a mask",
}
_RNN = {
    "rnn_step_forward": "The step",
    "rnn_step_backward": "The step backward",
    "rnn_forward": "Forward over a sequence",
    "rnn_backward": "Backpropagation through time",
    "clip_grad_norm": "Gradient clipping",
    # the captioning model (both cell types) is derived once, in the RNN chapter
    "CaptioningRNN.loss": "The captioning model",
    "CaptioningRNN.sample": "The captioning model",
}
_LSTM = {
    "lstm_step_forward": "The step",
    "lstm_step_backward": "The step backward",
    "lstm_forward": "Over a sequence",
    "lstm_backward": "Over a sequence",
}

SECTIONS = {
    fn: Section(page, title)
    for page, table in [
        ("gradcheck", _GRADCHECK),
        ("softmax", _SOFTMAX),
        ("temporal_loss", _TEMPORAL),
        ("rnn", _RNN),
        ("lstm", _LSTM),
    ]  # fmt: skip
    for fn, title in table.items()
}


def section_for(function):
    """The :class:`Section` teaching ``function`` (``"CaptioningRNN.loss:lstm"`` is looked
    up without its variant), or ``None`` for a function the book does not derive."""
    return SECTIONS.get(function.split(":")[0])
