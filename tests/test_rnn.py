"""Vanilla RNN reference: CS231n's published forward values, numeric and autograd gradients."""

import copy

import numpy as np
import pytest
from oracle import linspace_inputs, num_grad, reference_check, rel_error

from solutions.rnn import rnn_backward, rnn_forward, rnn_step_backward, rnn_step_forward


def random_rnn(rng, N, T, D, H, dtype=np.float64):
    x = rng.standard_normal((N, T, D))
    h0 = rng.standard_normal((N, H))
    Wx = rng.standard_normal((D, H)) / np.sqrt(D)
    Wh = rng.standard_normal((H, H)) / np.sqrt(H)
    b = rng.standard_normal(H) * 0.1
    return [a.astype(dtype) for a in (x, h0, Wx, Wh, b)]


# --- published forward values -------------------------------------------------------------------


def test_rnn_step_forward_matches_cs231n():
    check = reference_check("rnn_step_forward")
    p = linspace_inputs(check)
    next_h, _ = rnn_step_forward(p["x"], p["prev_h"], p["Wx"], p["Wh"], p["b"])
    printed = np.array(check["expected_as_printed"]["expected_next_h"])
    full = np.array(check["recomputed_full_precision"]["next_h"])
    np.testing.assert_allclose(next_h, printed, rtol=0, atol=5e-9 + 1e-13)
    np.testing.assert_allclose(next_h, full, rtol=1e-12, atol=0)
    assert rel_error(next_h, printed) < 1e-8


def test_rnn_forward_matches_cs231n():
    check = reference_check("rnn_forward")
    p = linspace_inputs(check)
    h, _ = rnn_forward(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    printed = np.array(check["expected_as_printed"]["expected_h"])
    full = np.array(check["recomputed_full_precision"]["h"])
    np.testing.assert_allclose(h, printed, rtol=0, atol=5e-9 + 1e-13)
    np.testing.assert_allclose(h, full, rtol=1e-12, atol=0)
    assert rel_error(h, printed) < 1e-7


# --- numeric gradients --------------------------------------------------------------------------


def test_rnn_step_backward_numeric_cs231n_inputs():
    rs = np.random.RandomState(231)  # replays the notebook cell's global-RNG draws
    N, D, H = 4, 5, 6
    x, h, Wx, Wh, b = (rs.randn(N, D), rs.randn(N, H), rs.randn(D, H), rs.randn(H, H), rs.randn(H))
    out, cache = rnn_step_forward(x, h, Wx, Wh, b)
    dnext_h = rs.randn(*out.shape)
    grads = rnn_step_backward(dnext_h, cache)
    args = [x, h, Wx, Wh, b]
    for k, (name, g) in enumerate(zip(["x", "prev_h", "Wx", "Wh", "b"], grads, strict=True)):
        f = lambda v, k=k: rnn_step_forward(*args[:k], v, *args[k + 1 :])[0]
        assert rel_error(g, num_grad(f, args[k], dnext_h)) < 1e-7, name


@pytest.mark.parametrize("N,T,D,H,seed", [(2, 10, 3, 5, 0), (3, 4, 6, 4, 1), (1, 1, 2, 3, 2)])
def test_rnn_backward_numeric(N, T, D, H, seed):
    rng = np.random.default_rng(seed)
    args = random_rnn(rng, N, T, D, H)
    h, cache = rnn_forward(*args)
    dh = rng.standard_normal(h.shape)
    grads = rnn_backward(dh, cache)
    for k, name in enumerate(["x", "h0", "Wx", "Wh", "b"]):
        f = lambda v, k=k: rnn_forward(*args[:k], v, *args[k + 1 :])[0]
        assert grads[k].shape == args[k].shape, name
        assert rel_error(grads[k], num_grad(f, args[k], dh)) < 1e-7, name


def test_rnn_backward_cs231n_inputs():
    rs = np.random.RandomState(231)
    N, D, T, H = 2, 3, 10, 5
    args = [rs.randn(N, T, D), rs.randn(N, H), rs.randn(D, H), rs.randn(H, H), rs.randn(H)]
    out, cache = rnn_forward(*args)
    dout = rs.randn(*out.shape)
    grads = rnn_backward(dout, cache)
    for k, name in enumerate(["x", "h0", "Wx", "Wh", "b"]):
        f = lambda v, k=k: rnn_forward(*args[:k], v, *args[k + 1 :])[0]
        assert rel_error(grads[k], num_grad(f, args[k], dout)) < 1e-7, name


def test_sequence_equals_composed_steps():
    rng = np.random.default_rng(5)
    x, h0, Wx, Wh, b = random_rnn(rng, 3, 5, 4, 6)
    h, cache = rnn_forward(x, h0, Wx, Wh, b)
    dh = rng.standard_normal(h.shape)
    prev_h, caches = h0, []
    for t in range(x.shape[1]):
        prev_h, c = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)
        np.testing.assert_allclose(h[:, t], prev_h, rtol=1e-13, atol=1e-15)
        caches.append(c)
    dx, dprev, dWx, dWh, db = np.zeros_like(x), np.zeros_like(h0), 0, 0, 0
    for t in reversed(range(x.shape[1])):
        dx[:, t], dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dprev, caches[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    for got, want in zip(rnn_backward(dh, cache), (dx, dprev, dWx, dWh, db), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-13)


# --- PyTorch autograd ---------------------------------------------------------------------------


def torch_or_skip():
    return pytest.importorskip(
        "torch", reason="PyTorch not installed: autograd cross-check skipped"
    )


@pytest.mark.torch
@pytest.mark.parametrize("seed", [0, 1])
def test_rnn_step_backward_vs_torch(seed):
    torch = torch_or_skip()
    rng = np.random.default_rng(seed)
    x, h0, Wx, Wh, b = random_rnn(rng, 4, 1, 5, 6)
    x = x[:, 0]
    next_h, cache = rnn_step_forward(x, h0, Wx, Wh, b)
    dnext_h = rng.standard_normal(next_h.shape)
    ts = [torch.tensor(a, requires_grad=True) for a in (x, h0, Wx, Wh, b)]
    out = torch.tanh(ts[0] @ ts[2] + ts[1] @ ts[3] + ts[4])
    out.backward(torch.tensor(dnext_h))
    np.testing.assert_allclose(next_h, out.detach().numpy(), rtol=1e-12, atol=1e-14)
    for got, t in zip(rnn_step_backward(dnext_h, cache), ts, strict=True):
        assert rel_error(got, t.grad.numpy()) < 1e-10


@pytest.mark.torch
@pytest.mark.parametrize("N,T,D,H,seed", [(3, 7, 4, 5, 0), (5, 12, 8, 16, 1)])
def test_rnn_backward_vs_torch(N, T, D, H, seed):
    torch = torch_or_skip()
    rng = np.random.default_rng(seed)
    args = random_rnn(rng, N, T, D, H)
    h, cache = rnn_forward(*args)
    dh = rng.standard_normal(h.shape)
    x, h0, Wx, Wh, b = ts = [torch.tensor(a, requires_grad=True) for a in args]
    prev_h, hs = h0, []
    for t in range(T):
        prev_h = torch.tanh(x[:, t] @ Wx + prev_h @ Wh + b)
        hs.append(prev_h)
    h_torch = torch.stack(hs, dim=1)
    h_torch.backward(torch.tensor(dh))
    np.testing.assert_allclose(h, h_torch.detach().numpy(), rtol=1e-12, atol=1e-14)
    for got, t in zip(rnn_backward(dh, cache), ts, strict=True):
        assert rel_error(got, t.grad.numpy()) < 1e-10


# --- contract: no mutation, validation, dtypes --------------------------------------------------


def test_inputs_not_mutated_and_backward_repeatable():
    rng = np.random.default_rng(3)
    args = random_rnn(rng, 2, 4, 3, 5)
    saved = copy.deepcopy(args)
    h, cache = rnn_forward(*args)
    dh = rng.standard_normal(h.shape)
    dh_saved = dh.copy()
    first = rnn_backward(dh, cache)
    second = rnn_backward(dh, cache)
    for a, s in zip(args + [dh], saved + [dh_saved], strict=True):
        np.testing.assert_array_equal(a, s)
    for a, s in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, s)
    x, h0, Wx, Wh, b = args
    dnext = rng.standard_normal((2, 5))
    dnext_saved = dnext.copy()
    _, step_cache = rnn_step_forward(x[:, 0], h0, Wx, Wh, b)
    rnn_step_backward(dnext, step_cache)
    np.testing.assert_array_equal(dnext, dnext_saved)
    for a, s in zip(args, saved, strict=True):
        np.testing.assert_array_equal(a, s)


@pytest.mark.parametrize(
    "index,shape,message",
    [
        (2, (6, 5), r"Wx must have shape \(D, H\) = \(3, 5\), got \(6, 5\)"),
        (3, (5, 4), r"Wh must have shape \(H, H\) = \(5, 5\), got \(5, 4\)"),
        (4, (5, 1), r"b must have shape \(H,\) = \(5,\), got \(5, 1\)"),
        (1, (3, 5), r"h0 must have shape \(N, H\) = \(2, \?\), got \(3, 5\)"),
        (0, (2, 3), r"x must have shape \(N, T, D\)"),
    ],
)
def test_rnn_forward_bad_shapes(index, shape, message):
    args = random_rnn(np.random.default_rng(0), 2, 4, 3, 5)
    args[index] = np.zeros(shape)
    with pytest.raises(ValueError, match=message):
        rnn_forward(*args)


def test_bad_shapes_and_dtypes_step_and_backward():
    x, h0, Wx, Wh, b = random_rnn(np.random.default_rng(0), 2, 4, 3, 5)
    with pytest.raises(ValueError, match=r"prev_h must have shape \(N, H\)"):
        rnn_step_forward(x[:, 0], h0[:1], Wx, Wh, b)
    with pytest.raises(ValueError, match="Wx must be float32 or float64"):
        rnn_step_forward(x[:, 0], h0, Wx.astype(complex), Wh, b)
    with pytest.raises(ValueError, match="x must be"):
        rnn_forward(np.array([["a"]]), h0, Wx, Wh, b)
    _, cache = rnn_forward(x, h0, Wx, Wh, b)
    with pytest.raises(ValueError, match=r"dh must have shape \(N, T, H\)"):
        rnn_backward(np.zeros((2, 4)), cache)
    with pytest.raises(ValueError, match=r"dnext_h must have shape \(N, H\)"):
        rnn_step_backward(np.zeros(5), cache)


def test_float32_stays_float32_and_ints_become_float64():
    rng = np.random.default_rng(4)
    args = random_rnn(rng, 2, 3, 4, 5, dtype=np.float32)
    h, cache = rnn_forward(*args)
    assert h.dtype == np.float32
    grads = rnn_backward(rng.standard_normal(h.shape).astype(np.float32), cache)
    assert all(g.dtype == np.float32 for g in grads)
    h64, _ = rnn_forward(*[a.astype(np.float64) for a in args])
    np.testing.assert_allclose(h, h64, rtol=1e-5, atol=1e-6)
    next_h, step_cache = rnn_step_forward(args[0][:, 0], *args[1:])
    assert next_h.dtype == np.float32
    step_grads = rnn_step_backward(np.ones((2, 5), np.float32), step_cache)
    assert all(g.dtype == np.float32 for g in step_grads)
    h_int, _ = rnn_forward(np.ones((2, 3, 4), int), *args[1:])
    assert h_int.dtype == np.float64
