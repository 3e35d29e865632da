"""Word embedding layer (CS231n ``rnn_layers.py``).

Each of the ``V`` words of the vocabulary owns one row of ``W``; a caption of
word indices becomes a sequence of ``D``-dimensional vectors by row lookup.
"""

import numpy as np

from solutions._validate import Int, validated


@validated(x=Int(None, high="V"), W=("V", "D"))
def word_embedding_forward(x, W):
    """Look up the word vector of every index: ``out[n, t] = W[x[n, t]]``.

    Parameters
    ----------
    x : (N, T) integer ndarray
        Word indices, each in ``[0, V)``. Any shape works, as with numpy indexing: the
        ``(N,)`` words of one sampling step give ``(N, D)``.
    W : (V, D) ndarray
        Word vectors, one row per word.

    Returns
    -------
    out : (N, T, D) ndarray
        Word vectors of the minibatch (shape ``x.shape + (D,)``).
    cache : tuple
        ``(x, W)`` for the backward pass.
    """
    out = W[x]
    cache = (x, W)
    return out, cache


@validated(dout=("N", "T", "D"))
def word_embedding_backward(dout, cache):
    """Backward pass of the word embedding.

    A word that occurs several times in the minibatch receives the *sum* of
    the upstream gradients of all its occurrences. ``dW[x] += dout`` would
    keep only one of them (fancy-index assignment does not accumulate), so
    the sum is taken with the unbuffered ``np.add.at``.

    Parameters
    ----------
    dout : (N, T, D) ndarray
        Upstream gradient of the loss with respect to ``out``.
    cache : tuple
        ``(x, W)`` from :func:`word_embedding_forward`.

    Returns
    -------
    dW : (V, D) ndarray
        Gradient with respect to ``W`` (a single array, not a tuple).
    """
    x, W = cache
    dW = np.zeros(W.shape, dtype=np.result_type(dout, W))
    np.add.at(dW, x, dout)
    return dW
