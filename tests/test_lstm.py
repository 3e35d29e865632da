"""LSTM reference: CS231n's published forward values, numeric and autograd gradients."""

import copy

import numpy as np
import pytest
from oracle import linspace_inputs, num_grad, reference_check, rel_error

from solutions.lstm import lstm_backward, lstm_forward, lstm_step_backward, lstm_step_forward


def random_lstm(rng, N, T, D, H, dtype=np.float64):
    x = rng.standard_normal((N, T, D))
    h0 = rng.standard_normal((N, H))
    Wx = rng.standard_normal((D, 4 * H)) / np.sqrt(D)
    Wh = rng.standard_normal((H, 4 * H)) / np.sqrt(H)
    b = rng.standard_normal(4 * H) * 0.1
    return [a.astype(dtype) for a in (x, h0, Wx, Wh, b)]


def random_step(rng, N, D, H, dtype=np.float64):
    x, h0, Wx, Wh, b = random_lstm(rng, N, 1, D, H, dtype)
    return [x[:, 0], h0, rng.standard_normal((N, H)).astype(dtype), Wx, Wh, b]


# --- published forward values -------------------------------------------------------------------


def test_lstm_step_forward_matches_cs231n():
    check = reference_check("lstm_step_forward")
    p = linspace_inputs(check)
    next_h, next_c, _ = lstm_step_forward(
        p["x"], p["prev_h"], p["prev_c"], p["Wx"], p["Wh"], p["b"]
    )
    for got, key in ((next_h, "next_h"), (next_c, "next_c")):
        printed = np.array(check["expected_as_printed"][f"expected_{key}"])
        full = np.array(check["recomputed_full_precision"][key])
        np.testing.assert_allclose(got, printed, rtol=0, atol=5e-9 + 1e-13)
        np.testing.assert_allclose(got, full, rtol=1e-12, atol=0)
        assert rel_error(got, printed) < 1e-8


def test_lstm_forward_matches_cs231n():
    check = reference_check("lstm_forward")
    p = linspace_inputs(check)
    h, _ = lstm_forward(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    printed = np.array(check["expected_as_printed"]["expected_h"])
    full = np.array(check["recomputed_full_precision"]["h"])
    np.testing.assert_allclose(h, printed, rtol=0, atol=5e-9 + 1e-13)
    np.testing.assert_allclose(h, full, rtol=1e-12, atol=0)
    assert rel_error(h, printed) < 1e-7


# --- numeric gradients --------------------------------------------------------------------------

STEP_NAMES = ["x", "prev_h", "prev_c", "Wx", "Wh", "b"]


def check_step_backward(args, dnext_h, dnext_c):
    _, _, cache = lstm_step_forward(*args)
    grads = lstm_step_backward(dnext_h, dnext_c, cache)
    for k, name in enumerate(STEP_NAMES):
        f_h = lambda v, k=k: lstm_step_forward(*args[:k], v, *args[k + 1 :])[0]
        f_c = lambda v, k=k: lstm_step_forward(*args[:k], v, *args[k + 1 :])[1]
        num = num_grad(f_h, args[k], dnext_h) + num_grad(f_c, args[k], dnext_c)
        assert grads[k].shape == args[k].shape, name
        assert rel_error(grads[k], num) < 1e-7, name


def test_lstm_step_backward_numeric_cs231n_inputs():
    rs = np.random.RandomState(231)  # replays the notebook cell's global-RNG draws
    N, D, H = 4, 5, 6
    args = [rs.randn(N, D), rs.randn(N, H), rs.randn(N, H)]
    args += [rs.randn(D, 4 * H), rs.randn(H, 4 * H), rs.randn(4 * H)]
    next_h, next_c, _ = lstm_step_forward(*args)
    check_step_backward(args, rs.randn(*next_h.shape), rs.randn(*next_c.shape))


@pytest.mark.parametrize("N,D,H,seed", [(3, 4, 5, 0), (1, 2, 3, 1)])
def test_lstm_step_backward_numeric(N, D, H, seed):
    rng = np.random.default_rng(seed)
    args = random_step(rng, N, D, H)
    check_step_backward(args, rng.standard_normal((N, H)), rng.standard_normal((N, H)))


def check_backward(args, dh):
    h, cache = lstm_forward(*args)
    grads = lstm_backward(dh, cache)
    for k, name in enumerate(["x", "h0", "Wx", "Wh", "b"]):
        f = lambda v, k=k: lstm_forward(*args[:k], v, *args[k + 1 :])[0]
        assert grads[k].shape == args[k].shape, name
        assert rel_error(grads[k], num_grad(f, args[k], dh)) < 1e-7, name


def test_lstm_backward_numeric_cs231n_inputs():
    rs = np.random.RandomState(231)
    N, D, T, H = 2, 3, 10, 6
    args = [rs.randn(N, T, D), rs.randn(N, H), rs.randn(D, 4 * H), rs.randn(H, 4 * H)]
    args.append(rs.randn(4 * H))
    out, _ = lstm_forward(*args)
    check_backward(args, rs.randn(*out.shape))


@pytest.mark.parametrize("N,T,D,H,seed", [(3, 5, 4, 3, 0), (1, 1, 2, 2, 1), (2, 7, 3, 4, 2)])
def test_lstm_backward_numeric(N, T, D, H, seed):
    rng = np.random.default_rng(seed)
    check_backward(random_lstm(rng, N, T, D, H), rng.standard_normal((N, T, H)))


def test_sequence_equals_composed_steps():
    rng = np.random.default_rng(5)
    x, h0, Wx, Wh, b = random_lstm(rng, 3, 5, 4, 6)
    h, cache = lstm_forward(x, h0, Wx, Wh, b)
    dh = rng.standard_normal(h.shape)
    prev_h, prev_c, caches = h0, np.zeros_like(h0), []
    for t in range(x.shape[1]):
        prev_h, prev_c, c = lstm_step_forward(x[:, t], prev_h, prev_c, Wx, Wh, b)
        np.testing.assert_allclose(h[:, t], prev_h, rtol=1e-13, atol=1e-15)
        caches.append(c)
    dx, dprev_h, dprev_c, dWx, dWh, db = np.zeros_like(x), np.zeros_like(h0), 0, 0, 0, 0
    for t in reversed(range(x.shape[1])):
        dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
            dh[:, t] + dprev_h, dprev_c + np.zeros_like(h0), caches[t]
        )
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    for got, want in zip(lstm_backward(dh, cache), (dx, dprev_h, dWx, dWh, db), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-13)


# --- PyTorch autograd ---------------------------------------------------------------------------


def torch_or_skip():
    return pytest.importorskip(
        "torch", reason="PyTorch not installed: autograd cross-check skipped"
    )


def torch_step(torch, x, prev_h, prev_c, Wx, Wh, b):
    a = x @ Wx + prev_h @ Wh + b
    a_i, a_f, a_o, a_g = torch.chunk(a, 4, dim=1)
    next_c = torch.sigmoid(a_f) * prev_c + torch.sigmoid(a_i) * torch.tanh(a_g)
    return torch.sigmoid(a_o) * torch.tanh(next_c), next_c


@pytest.mark.torch
@pytest.mark.parametrize("seed", [0, 1])
def test_lstm_step_backward_vs_torch(seed):
    torch = torch_or_skip()
    rng = np.random.default_rng(seed)
    args = random_step(rng, 4, 5, 6)
    next_h, next_c, cache = lstm_step_forward(*args)
    dnext_h, dnext_c = rng.standard_normal((2, 4, 6))
    ts = [torch.tensor(a, requires_grad=True) for a in args]
    h_t, c_t = torch_step(torch, *ts)
    torch.autograd.backward([h_t, c_t], [torch.tensor(dnext_h), torch.tensor(dnext_c)])
    np.testing.assert_allclose(next_h, h_t.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(next_c, c_t.detach().numpy(), rtol=1e-12, atol=1e-14)
    for got, t in zip(lstm_step_backward(dnext_h, dnext_c, cache), ts, strict=True):
        assert rel_error(got, t.grad.numpy()) < 1e-10


@pytest.mark.torch
@pytest.mark.parametrize("N,T,D,H,seed", [(3, 7, 4, 5, 0), (5, 12, 8, 16, 1)])
def test_lstm_backward_vs_torch(N, T, D, H, seed):
    torch = torch_or_skip()
    rng = np.random.default_rng(seed)
    args = random_lstm(rng, N, T, D, H)
    h, cache = lstm_forward(*args)
    dh = rng.standard_normal(h.shape)
    x, h0, Wx, Wh, b = ts = [torch.tensor(a, requires_grad=True) for a in args]
    prev_h, prev_c, hs = h0, torch.zeros_like(h0), []
    for t in range(T):
        prev_h, prev_c = torch_step(torch, x[:, t], prev_h, prev_c, Wx, Wh, b)
        hs.append(prev_h)
    h_torch = torch.stack(hs, dim=1)
    h_torch.backward(torch.tensor(dh))
    np.testing.assert_allclose(h, h_torch.detach().numpy(), rtol=1e-12, atol=1e-14)
    for got, t in zip(lstm_backward(dh, cache), ts, strict=True):
        assert rel_error(got, t.grad.numpy()) < 1e-10


# --- contract: no mutation, validation, dtypes --------------------------------------------------


def test_inputs_not_mutated_and_backward_repeatable():
    rng = np.random.default_rng(3)
    args = random_lstm(rng, 2, 4, 3, 5)
    saved = copy.deepcopy(args)
    h, cache = lstm_forward(*args)
    dh = rng.standard_normal(h.shape)
    dh_saved = dh.copy()
    first, second = lstm_backward(dh, cache), lstm_backward(dh, cache)
    for a, s in zip(args + [dh], saved + [dh_saved], strict=True):
        np.testing.assert_array_equal(a, s)
    for a, s in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, s)
    step_args = random_step(rng, 2, 3, 5)
    step_saved = copy.deepcopy(step_args)
    dnext_h, dnext_c = rng.standard_normal((2, 2, 5))
    douts_saved = (dnext_h.copy(), dnext_c.copy())
    _, _, step_cache = lstm_step_forward(*step_args)
    lstm_step_backward(dnext_h, dnext_c, step_cache)
    for a, s in zip(step_args + [dnext_h, dnext_c], step_saved + list(douts_saved), strict=True):
        np.testing.assert_array_equal(a, s)


def test_bad_shapes_and_dtypes():
    x, h0, Wx, Wh, b = random_lstm(np.random.default_rng(0), 2, 4, 3, 5)
    with pytest.raises(
        ValueError, match=r"Wx must have shape \(D, 4\*H\) = \(3, 20\), got \(4, 20\)"
    ):
        lstm_forward(x, h0, Wx.T.reshape(4, 15).repeat(2, 1)[:, :20], Wh, b)
    with pytest.raises(
        ValueError, match=r"Wh must have shape \(H, 4\*H\) = \(5, 20\), got \(4, 20\)"
    ):
        lstm_forward(x, h0, Wx, Wh[:4], b)
    with pytest.raises(ValueError, match=r"b must have shape \(4\*H,\) = \(20,\), got \(19,\)"):
        lstm_forward(x, h0, Wx, Wh, b[:19])
    with pytest.raises(ValueError, match=r"prev_c must have shape \(N, H\) = \(2, 5\)"):
        lstm_step_forward(x[:, 0], h0, h0[:, :4], Wx, Wh, b)
    with pytest.raises(ValueError, match="h0 must be float32 or float64"):
        lstm_forward(x, h0.astype(complex), Wx, Wh, b)
    h, cache = lstm_forward(x, h0, Wx, Wh, b)
    with pytest.raises(ValueError, match=r"dh must have shape \(N, T, H\)"):
        lstm_backward(h[:, 0], cache)
    _, _, step_cache = lstm_step_forward(x[:, 0], h0, h0, Wx, Wh, b)
    with pytest.raises(ValueError, match=r"dnext_c must have shape \(N, H\) = \(2, 5\)"):
        lstm_step_backward(h0, h0[:1], step_cache)


def test_gate_width_must_be_four_times_hidden():
    x, h0, Wx, Wh, b = random_lstm(np.random.default_rng(0), 2, 4, 3, 5)
    with pytest.raises(
        ValueError, match=r"Wx must have shape \(D, 4\*H\) = \(3, 20\), got \(3, 16\)"
    ):
        lstm_step_forward(x[:, 0], h0, h0, Wx[:, :16], Wh[:, :16], b[:16])
    with pytest.raises(ValueError, match=r"b must have shape \(4\*H,\) = \(20,\), got \(16,\)"):
        lstm_forward(x, h0, Wx, Wh, b[:16])


def test_float32_stays_float32():
    rng = np.random.default_rng(4)
    args = random_lstm(rng, 2, 3, 4, 5, dtype=np.float32)
    h, cache = lstm_forward(*args)
    assert h.dtype == np.float32
    grads = lstm_backward(rng.standard_normal(h.shape).astype(np.float32), cache)
    assert all(g.dtype == np.float32 for g in grads)
    h64, _ = lstm_forward(*[a.astype(np.float64) for a in args])
    np.testing.assert_allclose(h, h64, rtol=1e-5, atol=1e-6)
    step_args = random_step(rng, 2, 4, 5, dtype=np.float32)
    next_h, next_c, step_cache = lstm_step_forward(*step_args)
    assert next_h.dtype == next_c.dtype == np.float32
    ones = np.ones((2, 5), np.float32)
    assert all(g.dtype == np.float32 for g in lstm_step_backward(ones, ones, step_cache))
