"""Reference softmax chapter: softmax, log_softmax, nll and the softmax classifier loss."""

import numpy as np
import pytest

from solutions.softmax import (
    log_softmax,
    nll,
    softmax,
    softmax_loss_naive,
    softmax_loss_vectorized,
)
from workbook.data.digits import load_digits_split
from workbook.gradcheck import eval_numerical_gradient, eval_numerical_gradient_array, rel_error

LOSSES = [softmax_loss_naive, softmax_loss_vectorized]


def problem(seed, N=7, D=5, C=4, dtype=np.float64):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((D, C)).astype(dtype)
    X = rng.standard_normal((N, D)).astype(dtype)
    y = rng.integers(C, size=N)
    return W, X, y


def test_softmax_and_log_softmax_values():
    f = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    e = np.exp([1.0, 2.0, 3.0])
    expected = np.array([e / e.sum(), [1 / 3] * 3])
    assert rel_error(softmax(f), expected) < 1e-14
    assert rel_error(log_softmax(f), np.log(expected)) < 1e-14
    assert rel_error(softmax(f + 100.0), expected) < 1e-12  # shift invariance
    assert rel_error(softmax(np.array([1.0, 2.0, 3.0])), expected[0]) < 1e-14  # 1-D works


def test_large_scores_do_not_overflow():
    f = np.array([[1e3, 0.0, -1e3], [-1e3, -1e3, -1e3]])
    assert np.array_equal(log_softmax(f)[0], [0.0, -1e3, -2e3])
    assert np.all(np.isfinite(softmax(f))) and softmax(f)[0, 0] == 1.0
    X, W, y = np.array([[1.0]]), np.array([[1e3, 0.0]]), np.array([1])
    for loss_fn in LOSSES:
        loss, dW = loss_fn(W, X, y, 0.0)
        assert loss == 1e3  # -log p[y] = 1000 + log(1 + e^-1000): finite, not log(0)
        assert np.array_equal(dW, [[1.0, -1.0]])
        loss, dW = loss_fn(-W, X, y, 0.0)
        assert loss == 0.0 and np.all(np.isfinite(dW))  # log(1 + e^-1000) rounds to 0


def test_nll_is_mean_negative_log_likelihood():
    logp = np.log(np.array([[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]]))
    assert nll(logp, np.array([0, 2])) == pytest.approx(-(np.log(0.5) + np.log(0.8)) / 2)
    assert nll(np.full((4, 10), np.log(0.1)), np.arange(4)) == pytest.approx(np.log(10))


def test_softmax_jacobian_is_diag_s_minus_s_st():
    f = np.random.default_rng(0).standard_normal(5)
    s = softmax(f)
    J = np.diag(s) - np.outer(s, s)  # ds_i/df_j = s_i (delta_ij - s_j)
    for i in range(5):
        row = eval_numerical_gradient_array(softmax, f, np.eye(5)[i])
        assert rel_error(row, J[i]) < 1e-8


@pytest.mark.parametrize(
    "seed,N,D,C,reg", [(0, 7, 5, 4, 0.0), (1, 1, 3, 2, 0.1), (2, 20, 8, 6, 1.5)]
)
def test_naive_equals_vectorized(seed, N, D, C, reg):
    W, X, y = problem(seed, N, D, C)
    loss_n, dW_n = softmax_loss_naive(W, X, y, reg)
    loss_v, dW_v = softmax_loss_vectorized(W, X, y, reg)
    assert rel_error(loss_n, loss_v) < 1e-12
    assert rel_error(dW_n, dW_v) < 1e-12


@pytest.mark.parametrize("loss_fn", LOSSES)
@pytest.mark.parametrize("seed,reg", [(3, 0.0), (4, 0.5)])
def test_dW_matches_numeric_gradient(loss_fn, seed, reg):
    W, X, y = problem(seed)
    _, dW = loss_fn(W, X, y, reg)
    dW_num = eval_numerical_gradient(lambda w: loss_fn(w, X, y, reg)[0], W.copy(), verbose=False)
    assert rel_error(dW, dW_num) < 1e-7


def test_loss_at_small_random_weights_is_log_C():
    X, y, _, _ = load_digits_split()
    W = 1e-4 * np.random.default_rng(0).standard_normal((X.shape[1], 10))
    loss, _ = softmax_loss_vectorized(W, X, y, 0.0)
    assert loss == pytest.approx(np.log(10), abs=0.01)  # CS231n's sanity check: -log(0.1)


@pytest.mark.parametrize("loss_fn", LOSSES)
def test_float32_stays_float32(loss_fn):
    W, X, y = problem(5, dtype=np.float32)
    loss, dW = loss_fn(W, X, y, 0.1)
    assert loss.dtype == np.float32 and dW.dtype == np.float32
    loss64, dW64 = loss_fn(W.astype(np.float64), X.astype(np.float64), y, 0.1)
    assert rel_error(loss, loss64) < 1e-5 and rel_error(dW, dW64) < 1e-4
    assert log_softmax(X).dtype == np.float32 and softmax(X).dtype == np.float32


@pytest.mark.parametrize("loss_fn", LOSSES)
def test_inputs_are_not_mutated(loss_fn):
    W, X, y = problem(6)
    copies = [a.copy() for a in (W, X, y)]
    loss_fn(W, X, y, 0.3)
    f = X.copy()
    log_softmax(f), softmax(f), nll(log_softmax(f), np.zeros(7, dtype=int))
    assert all(np.array_equal(a, b) for a, b in zip((W, X, y), copies, strict=True))
    assert np.array_equal(f, X)


@pytest.mark.parametrize("loss_fn", LOSSES)
def test_bad_arguments_raise_value_error_naming_them(loss_fn):
    W, X, y = problem(7)  # W (5, 4), X (7, 5), y (7,)
    with pytest.raises(ValueError, match=r"X must have shape \(N, D\) = \(\?, 5\), got \(7, 6\)"):
        loss_fn(W, np.ones((7, 6)), y, 0.0)
    with pytest.raises(ValueError, match=r"y must have shape \(N,\) = \(7,\), got \(6,\)"):
        loss_fn(W, X, y[:6], 0.0)
    with pytest.raises(ValueError, match=r"y values must lie in \[0, 4\)"):
        loss_fn(W, X, np.full(7, 4), 0.0)
    with pytest.raises(ValueError, match="y must be an integer array"):
        loss_fn(W, X, y.astype(float), 0.0)
    with pytest.raises(ValueError, match="W must have shape"):
        loss_fn(W[0], X, y, 0.0)
    with pytest.raises(ValueError, match="logp must have shape"):
        nll(np.zeros(3), np.zeros(3, dtype=int))


def test_linear_softmax_classifier_learns_the_digits():
    X_train, y_train, X_val, y_val = load_digits_split(seed=0)
    rng = np.random.default_rng(0)
    W = 1e-3 * rng.standard_normal((X_train.shape[1], 10))
    losses = []
    for _ in range(500):  # plain minibatch SGD
        idx = rng.integers(len(y_train), size=64)
        loss, dW = softmax_loss_vectorized(W, X_train[idx], y_train[idx], 1e-4)
        W -= 0.1 * dW
        losses.append(loss)
    val_acc = np.mean(np.argmax(X_val @ W, axis=1) == y_val)
    assert np.mean(losses[-50:]) < 0.3 < np.log(10) - 1
    assert val_acc > 0.93  # seed 0: 0.972; seeds 0-19: 0.947 or more; chance 0.1


@pytest.mark.torch
@pytest.mark.parametrize("reg", [0.0, 0.7])
def test_against_torch_autograd(reg):
    torch = pytest.importorskip("torch", reason="PyTorch cross-check needs torch (optional)")
    W, X, y = problem(8, N=30, D=12, C=9)
    Wt = torch.tensor(W, requires_grad=True)
    logits = torch.tensor(X) @ Wt
    loss_t = torch.nn.functional.cross_entropy(logits, torch.tensor(y)) + reg * (Wt * Wt).sum()
    loss_t.backward()
    for loss_fn in LOSSES:
        loss, dW = loss_fn(W, X, y, reg)
        assert rel_error(loss, loss_t.item()) < 1e-12
        assert rel_error(dW, Wt.grad.numpy()) < 1e-10
    f = torch.tensor(100 * X)
    assert rel_error(log_softmax(100 * X), torch.log_softmax(f, dim=1).numpy()) < 1e-12
    assert rel_error(softmax(100 * X), torch.softmax(f, dim=1).numpy()) < 1e-12
