"""Temporal layers: an affine map and a softmax loss at every time step (CS231n ``rnn_layers.py``).

The loss follows CS231n: the cross-entropy of every unmasked time step is
*summed over time* and *averaged over the minibatch* (divided by ``N`` only).
Masked time steps (``mask[n, t] == False``, e.g. ``<NULL>`` padding) add
nothing to the loss and get zero gradient.
"""

import numpy as np

from solutions._validate import Int, Mask, validated


@validated(x=("N", "T", "D"), w=("D", "M"), b=("M",))
def temporal_affine_forward(x, w, b):
    """Apply the same affine map at every time step: ``out[:, t] = x[:, t] @ w + b``.

    Parameters
    ----------
    x : (N, T, D) ndarray
        Input sequences.
    w : (D, M) ndarray
        Weights.
    b : (M,) ndarray
        Biases.

    Returns
    -------
    out : (N, T, M) ndarray
        Output sequences.
    cache : tuple
        ``(x, w, b, out)`` for the backward pass.
    """
    N, T, D = x.shape
    M = b.shape[0]
    out = (x.reshape(N * T, D) @ w).reshape(N, T, M) + b
    cache = (x, w, b, out)
    return out, cache


@validated(dout=("N", "T", "M"))
def temporal_affine_backward(dout, cache):
    """Backward pass of :func:`temporal_affine_forward`.

    Parameters
    ----------
    dout : (N, T, M) ndarray
        Upstream gradient of the loss with respect to ``out``.
    cache : tuple
        ``(x, w, b, out)`` from :func:`temporal_affine_forward`.

    Returns
    -------
    dx : (N, T, D) ndarray
        Gradient with respect to ``x``.
    dw : (D, M) ndarray
        Gradient with respect to ``w`` (summed over all time steps).
    db : (M,) ndarray
        Gradient with respect to ``b`` (summed over all time steps).
    """
    x, w, b, out = cache
    N, T, D = x.shape
    M = b.shape[0]
    dout_flat = dout.reshape(N * T, M)
    dx = (dout_flat @ w.T).reshape(N, T, D)
    dw = x.reshape(N * T, D).T @ dout_flat
    db = dout_flat.sum(axis=0)
    return dx, dw, db


@validated(x=("N", "T", "V"), y=Int(("N", "T"), high="V"), mask=Mask(("N", "T")))
def temporal_softmax_loss_loop(x, y, mask):
    """Temporal softmax loss with an explicit loop over time steps (the teaching version).

    Parameters
    ----------
    x : (N, T, V) ndarray
        Scores over the vocabulary at every time step.
    y : (N, T) integer ndarray
        Target word indices, each in ``[0, V)``.
    mask : (N, T) boolean ndarray
        Which time steps count towards the loss.

    Returns
    -------
    loss : float
        Cross-entropy summed over unmasked time steps, divided by ``N``.
    dx : (N, T, V) ndarray
        Gradient of the loss with respect to ``x``.
    Notes
    -----
    ``mask`` may be boolean or 0/1. Scores are shifted by their row maximum; the hidden
    tests add 1000 to every score, which overflows ``exp`` without the shift (``log`` of the
    shifted probabilities times the mask, CS231n's way, is fine). Inputs may be modified
    in place; each call gets its own copies.
    """
    N, T, V = x.shape
    loss = 0.0
    dx = np.zeros_like(x)
    for t in range(T):
        scores = x[:, t]  # (N, V)
        shifted = scores - scores.max(axis=1, keepdims=True)
        exp_shifted = np.exp(shifted)
        sum_exp = exp_shifted.sum(axis=1, keepdims=True)
        log_probs = shifted - np.log(sum_exp)
        probs = exp_shifted / sum_exp
        loss_t = -log_probs[np.arange(N), y[:, t]]  # (N,)
        loss = loss + np.sum(loss_t[mask[:, t]]) / N
        dscores = probs.copy()
        dscores[np.arange(N), y[:, t]] -= 1
        dx[:, t] = dscores * mask[:, t, None] / N
    return loss, dx


@validated(x=("N", "T", "V"), y=Int(("N", "T"), high="V"), mask=Mask(("N", "T")))
def temporal_softmax_loss(x, y, mask, verbose=False):
    """Temporal softmax loss, vectorized over all ``N * T`` time steps at once.

    Parameters
    ----------
    x : (N, T, V) ndarray
        Scores over the vocabulary at every time step.
    y : (N, T) integer ndarray
        Target word indices, each in ``[0, V)``.
    mask : (N, T) boolean ndarray
        Which time steps count towards the loss.
    verbose : bool, optional
        Print the shape of the flattened gradient (as CS231n does).

    Returns
    -------
    loss : float
        Cross-entropy summed over unmasked time steps, divided by ``N``.
    dx : (N, T, V) ndarray
        Gradient of the loss with respect to ``x``.
    Notes
    -----
    ``mask`` may be boolean or 0/1. Scores are shifted by their row maximum; the hidden
    tests add 1000 to every score, which overflows ``exp`` without the shift (``log`` of the
    shifted probabilities times the mask, CS231n's way, is fine). Inputs may be modified
    in place; each call gets its own copies.
    """
    N, T, V = x.shape
    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)
    shifted = x_flat - x_flat.max(axis=1, keepdims=True)
    exp_shifted = np.exp(shifted)
    sum_exp = exp_shifted.sum(axis=1, keepdims=True)
    log_probs = shifted - np.log(sum_exp)
    probs = exp_shifted / sum_exp
    losses = -log_probs[np.arange(N * T), y_flat]  # (N*T,)
    loss = np.sum(losses[mask_flat]) / N
    dx_flat = probs  # a fresh array: safe to modify in place
    dx_flat[np.arange(N * T), y_flat] -= 1
    dx_flat *= mask_flat[:, None] / N
    if verbose:
        print("dx_flat: ", dx_flat.shape)
    dx = dx_flat.reshape(N, T, V)
    return loss, dx
