"""Locate the bug in a backward pass: compare named intermediates, not only the outputs.

A failing gradient check says *that* a backward pass is wrong; these probes say *where*
(the idea of Karpathy's "backprop ninja"). Each one calls **your** functions on inputs
chosen so that an intermediate shows up in an output you return, and compares it with the
same intermediate measured numerically on **your** forward pass:

- an affine map ``a = x @ W + ...`` with ``x`` the identity matrix has ``dW = x.T @ da = da``:
  the weight gradient *is* the gradient of the pre-activation (``dscores``, the four gate
  blocks of the LSTM's ``da``);
- with ``x[n, t]`` one-hot in ``t``, row ``t`` of ``dWx`` is ``da[:, t]`` summed over the
  batch: one number per time step, so a gradient that is right at the last step only shows;
- the cell update (the new cell is the forget gate times the old one, plus the input gate
  times the candidate) makes ``dprev_c`` the total cell gradient times ``f``, and ``f`` itself
  is the numeric derivative of ``next_c`` by ``prev_c``, so ``dc_total = dprev_c / f``.

Nothing here knows an answer: every expected value is a centered difference.
"""

import numpy as np

from .checks import compare_named
from .gradcheck import eval_numerical_gradient, eval_numerical_gradient_array

GATES = ("i", "f", "o", "g")
BLOCKS = ("0:H", "H:2H", "2H:3H", "3H:4H")


def _verdict(wrong, what):
    if wrong:
        raise AssertionError(f"{what}: wrong at {'; '.join(wrong)}")
    print(f"{what}: every intermediate agrees")


def softmax_dscores(loss_fn, N=4, C=5, seed=0, tol=1e-7):
    """Probe ``loss_fn(W, X, y, reg) -> (loss, dW)``: ``dscores`` and the regulariser's part.

    With ``X = I`` (so ``D = N``) the scores are ``W`` itself and, at ``reg = 0``,
    ``dW = X.T @ dscores = dscores``.
    """
    rng = np.random.default_rng(seed)
    X, W, y = np.eye(N), rng.standard_normal((N, C)), rng.integers(C, size=N)
    reg = 0.3
    _, dscores = loss_fn(W.copy(), X, y, 0.0)
    _, dW_reg = loss_fn(W.copy(), X, y, reg)
    num = eval_numerical_gradient(lambda _: loss_fn(W, X, y, 0.0)[0], W, verbose=False)
    num_reg = eval_numerical_gradient(lambda _: loss_fn(W, X, y, reg)[0], W, verbose=False)
    wrong = compare_named(
        {
            "dscores (seen as dW with X = I, reg = 0)": (dscores, num),
            "dW(reg) - dW(0), the regulariser's part": (
                np.asarray(dW_reg, dtype=float) - np.asarray(dscores, dtype=float),
                num_reg - num,
            ),
        },
        tol,
    )
    print(f"   (labels y = {y.tolist()}: column y[n] of row n holds the -1 of s - 1_y)")
    _verdict(wrong, "softmax loss")


def lstm_step(step_forward, step_backward, N=3, H=2, seed=0, tol=1e-6):
    """Probe ``lstm_step_backward``: the four gate blocks of ``da`` and ``dc_total``.

    Run once with only ``dnext_h`` and once with only ``dnext_c`` (the backward pass is
    linear in the two), so a table shows which path into the cell is wrong.
    """
    rng = np.random.default_rng(seed)
    x = np.eye(N)  # D = N: dWx = x.T @ da = da
    prev_h, prev_c = rng.standard_normal((N, H)), rng.standard_normal((N, H))
    Wx, Wh = rng.standard_normal((N, 4 * H)), 0.5 * rng.standard_normal((H, 4 * H))
    b = 0.5 * rng.standard_normal(4 * H)

    def out(k):
        return lambda _: step_forward(x, prev_h, prev_c, Wx, Wh, b)[k]

    f = eval_numerical_gradient_array(out(1), prev_c, np.ones((N, H)))  # d next_c / d prev_c
    upstream = {
        "dnext_h only": (rng.standard_normal((N, H)), np.zeros((N, H))),
        "dnext_c only": (np.zeros((N, H)), rng.standard_normal((N, H))),
    }
    named = {}
    for which, (dh, dc) in upstream.items():
        _, _, cache = step_forward(x, prev_h, prev_c, Wx, Wh, b)
        grads = step_backward(dh.copy(), dc.copy(), cache)
        dprev_c, da = np.asarray(grads[2], dtype=float), np.asarray(grads[3], dtype=float)
        num_da = eval_numerical_gradient_array(out(0), Wx, dh)
        num_da += eval_numerical_gradient_array(out(1), Wx, dc)
        num_dprev_c = eval_numerical_gradient_array(out(0), prev_c, dh)
        num_dprev_c += eval_numerical_gradient_array(out(1), prev_c, dc)
        for k, gate in enumerate(GATES):
            cols = slice(k * H, (k + 1) * H)
            label = f"da[:, {BLOCKS[k]}] ({gate}), {which}"
            named[label] = (da[:, cols] if da.shape == num_da.shape else da, num_da[:, cols])
        named[f"dc_total = dprev_c / f, {which}"] = (dprev_c / f, num_dprev_c / f)
    print("da is seen as dWx (x = I); f is measured as d next_c / d prev_c")
    _verdict(compare_named(named, tol), "lstm_step_backward")


def bptt(forward, backward, gates=1, N=2, T=4, H=3, seed=0, tol=1e-6):
    """Probe ``rnn_backward`` (``gates=1``) or ``lstm_backward`` (``gates=4``) step by step.

    ``x[n, t]`` is one-hot in ``t`` (``D = T``), so row ``t`` of ``dWx`` is ``da[:, t]``
    summed over the batch: the gradient that reached array position ``t``.
    """
    rng = np.random.default_rng(seed)
    x = np.broadcast_to(np.eye(T), (N, T, T)).copy()
    h0 = rng.standard_normal((N, H))
    Wx, Wh = rng.standard_normal((T, gates * H)), 0.5 * rng.standard_normal((H, gates * H))
    b = 0.5 * rng.standard_normal(gates * H)
    dh = rng.standard_normal((N, T, H))
    _, cache = forward(x, h0, Wx, Wh, b)
    grads = backward(dh.copy(), cache)
    dh0, dWx = np.asarray(grads[1], dtype=float), np.asarray(grads[2], dtype=float)
    num_dWx = eval_numerical_gradient_array(lambda _: forward(x, h0, Wx, Wh, b)[0], Wx, dh)
    num_dh0 = eval_numerical_gradient_array(lambda _: forward(x, h0, Wx, Wh, b)[0], h0, dh)
    named = {}
    for t in reversed(range(T)):
        got = dWx[t] if dWx.shape == num_dWx.shape else dWx
        named[f"step {t + 1} (array position {t}): da[:, {t}] summed over n"] = (got, num_dWx[t])
    named["dh0"] = (dh0, num_dh0)
    print("the backward pass runs from the last step (top) to the first")
    _verdict(compare_named(named, tol), "backpropagation through time")
