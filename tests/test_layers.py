"""Affine layer and sigmoid references."""

import copy

import numpy as np
import pytest
from oracle import num_grad, rel_error

from solutions.layers import affine_backward, affine_forward, sigmoid


@pytest.mark.parametrize(
    "x_shape,M,seed", [((4, 5), 3, 0), ((2, 3, 4), 6, 1), ((1, 2, 2, 2), 1, 2)]
)
def test_affine_backward_numeric(x_shape, M, seed):
    rng = np.random.default_rng(seed)
    D = int(np.prod(x_shape[1:]))
    args = [rng.standard_normal(x_shape), rng.standard_normal((D, M)), rng.standard_normal(M)]
    out, cache = affine_forward(*args)
    np.testing.assert_allclose(out, args[0].reshape(x_shape[0], D) @ args[1] + args[2])
    dout = rng.standard_normal(out.shape)
    grads = affine_backward(dout, cache)
    for k, name in enumerate(["x", "w", "b"]):
        f = lambda v, k=k: affine_forward(*args[:k], v, *args[k + 1 :])[0]
        assert grads[k].shape == args[k].shape, name
        assert rel_error(grads[k], num_grad(f, args[k], dout)) < 1e-7, name


def test_sigmoid_values_and_stability():
    x = np.array([-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0])
    s = sigmoid(x)  # pytest turns overflow warnings into errors
    np.testing.assert_allclose(s[1:-1], 1 / (1 + np.exp(-x[1:-1])), rtol=1e-15)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    np.testing.assert_allclose(sigmoid(-x), 1 - s, atol=1e-16)
    assert sigmoid(x.astype(np.float32)).dtype == np.float32
    assert sigmoid(np.array([0, 2])).dtype == np.float64
    assert sigmoid(np.zeros((2, 3, 4))).shape == (2, 3, 4)


def test_sigmoid_derivative_numeric():
    x = np.linspace(-6, 6, 25)
    ds = num_grad(sigmoid, x, np.ones_like(x))
    # elementwise: d/dx sum(sigmoid(x)) is sigmoid'(x) = s (1 - s)
    assert rel_error(sigmoid(x) * (1 - sigmoid(x)), ds) < 1e-7


@pytest.mark.torch
def test_affine_backward_vs_torch():
    torch = pytest.importorskip(
        "torch", reason="PyTorch not installed: autograd cross-check skipped"
    )
    rng = np.random.default_rng(0)
    args = [rng.standard_normal((5, 2, 3)), rng.standard_normal((6, 4)), rng.standard_normal(4)]
    out, cache = affine_forward(*args)
    dout = rng.standard_normal(out.shape)
    x, w, b = ts = [torch.tensor(a, requires_grad=True) for a in args]
    out_t = x.reshape(5, -1) @ w + b
    out_t.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-13)
    for got, t in zip(affine_backward(dout, cache), ts, strict=True):
        assert rel_error(got, t.grad.numpy()) < 1e-10
    z = rng.standard_normal(50) * 20
    np.testing.assert_allclose(sigmoid(z), torch.sigmoid(torch.tensor(z)).numpy(), rtol=1e-14)


def test_inputs_not_mutated_and_dtypes():
    rng = np.random.default_rng(3)
    args = [rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal(2)]
    saved = copy.deepcopy(args)
    out, cache = affine_forward(*args)
    dout = rng.standard_normal(out.shape)
    dout_saved = dout.copy()
    first, second = affine_backward(dout, cache), affine_backward(dout, cache)
    for a, s in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, s)
    for a, s in zip(args + [dout], saved + [dout_saved], strict=True):
        np.testing.assert_array_equal(a, s)
    sigmoid(args[0])
    np.testing.assert_array_equal(args[0], saved[0])
    args32 = [a.astype(np.float32) for a in args]
    out32, cache32 = affine_forward(*args32)
    assert out32.dtype == np.float32
    assert all(g.dtype == np.float32 for g in affine_backward(dout.astype(np.float32), cache32))


def test_bad_shapes_and_dtypes():
    x, w, b = np.zeros((3, 4)), np.zeros((4, 2)), np.zeros(2)
    with pytest.raises(ValueError, match=r"b must have shape \(M,\) = \(2,\), got \(3,\)"):
        affine_forward(x, w, np.zeros(3))
    with pytest.raises(ValueError, match=r"w must have shape \(D, M\)"):
        affine_forward(x, np.zeros(4), b)
    with pytest.raises(ValueError, match="x must be float32 or float64"):
        affine_forward(x.astype(complex), w, b)
    with pytest.raises(ValueError, match="x must be float32 or float64"):
        sigmoid(np.array(["a"]))
    _, cache = affine_forward(x, w, b)
    with pytest.raises(ValueError, match=r"dout must have shape \(N, M\)"):
        affine_backward(np.zeros(2), cache)
