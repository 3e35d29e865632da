"""Word embedding, temporal affine and temporal softmax loss references."""

import copy

import numpy as np
import pytest
from oracle import num_grad, reference_check, rel_error

from solutions.embedding import word_embedding_backward, word_embedding_forward
from solutions.temporal import (
    temporal_affine_backward,
    temporal_affine_forward,
    temporal_softmax_loss,
    temporal_softmax_loss_loop,
)

LOSSES = [temporal_softmax_loss, temporal_softmax_loss_loop]


def random_loss_inputs(rng, N, T, V, p=0.5):
    x = rng.standard_normal((N, T, V))
    y = rng.integers(V, size=(N, T))
    mask = rng.random((N, T)) < p
    return x, y, mask


# --- word embedding -----------------------------------------------------------------------------


def test_word_embedding_forward_matches_cs231n():
    check = reference_check("word_embedding_forward")
    spec = check["inputs"]["W"]
    V, D = check["inputs"]["V"], check["inputs"]["D"]
    W = np.linspace(spec["start"], spec["stop"], num=spec["num_value"]).reshape(V, D)
    x = np.asarray(check["inputs"]["x"])
    out, _ = word_embedding_forward(x, W)
    printed = np.array(check["expected_as_printed"]["expected_out"])
    np.testing.assert_allclose(out, printed, rtol=0, atol=5e-9 + 1e-13)
    np.testing.assert_allclose(out, check["recomputed_full_precision"]["out"], rtol=1e-15, atol=0)
    assert rel_error(out, printed) < 1e-7


@pytest.mark.parametrize("N,T,V,D,seed", [(50, 3, 5, 6, None), (4, 6, 3, 2, 1), (1, 1, 7, 3, 2)])
def test_word_embedding_backward_numeric_repeated_indices(N, T, V, D, seed):
    if seed is None:  # the CS231n cell's inputs: 150 indices drawn from 5 words
        rs = np.random.RandomState(231)
        x, W = rs.randint(V, size=(N, T)), rs.randn(V, D)
        dout = rs.randn(N, T, D)
    else:
        rng = np.random.default_rng(seed)
        x, W = rng.integers(V, size=(N, T)), rng.standard_normal((V, D))
        dout = rng.standard_normal((N, T, D))
    assert len(np.unique(x)) < x.size or x.size == 1
    _, cache = word_embedding_forward(x, W)
    dW = word_embedding_backward(dout, cache)
    assert dW.shape == W.shape
    assert rel_error(dW, num_grad(lambda v: word_embedding_forward(x, v)[0], W, dout)) < 1e-7


def test_word_embedding_repeated_index_accumulates():
    x = np.array([[1, 1, 1]])
    dW = word_embedding_backward(np.ones((1, 3, 2)), word_embedding_forward(x, np.zeros((3, 2)))[1])
    np.testing.assert_array_equal(dW, [[0, 0], [3, 3], [0, 0]])


# --- temporal affine ----------------------------------------------------------------------------


@pytest.mark.parametrize("N,T,D,M,seed", [(2, 3, 4, 5, None), (3, 1, 2, 6, 1), (1, 4, 5, 2, 2)])
def test_temporal_affine_backward_numeric(N, T, D, M, seed):
    if seed is None:  # the CS231n cell's draws
        rs = np.random.RandomState(231)
        args = [rs.randn(N, T, D), rs.randn(D, M), rs.randn(M)]
        dout = rs.randn(N, T, M)
    else:
        rng = np.random.default_rng(seed)
        args = [rng.standard_normal(s) for s in ((N, T, D), (D, M), (M,))]
        dout = rng.standard_normal((N, T, M))
    out, cache = temporal_affine_forward(*args)
    np.testing.assert_allclose(out, np.einsum("ntd,dm->ntm", args[0], args[1]) + args[2])
    grads = temporal_affine_backward(dout, cache)
    for k, name in enumerate(["x", "w", "b"]):
        f = lambda v, k=k: temporal_affine_forward(*args[:k], v, *args[k + 1 :])[0]
        assert rel_error(grads[k], num_grad(f, args[k], dout)) < 1e-7, name


# --- temporal softmax loss ----------------------------------------------------------------------


@pytest.mark.parametrize("loss_fn", LOSSES)
def test_temporal_softmax_loss_sanity_values_match_cs231n(loss_fn):
    check = reference_check("temporal_softmax_loss")
    rs = np.random.RandomState(231)  # the notebook does not reseed: replay the earlier cell's draws
    rs.randn(2, 3, 4), rs.randn(4, 5), rs.randn(5), rs.randn(2, 3, 5)
    for call, args in zip(
        check["inputs"]["calls"],
        [(100, 1, 10, 1.0), (100, 10, 10, 1.0), (5000, 10, 10, 0.1)],
        strict=True,
    ):
        assert call["call"] == "check_loss({}, {}, {}, {})".format(*args)
        N, T, V, p = args
        x = 0.001 * rs.randn(N, T, V)
        y = rs.randint(V, size=(N, T))
        mask = rs.rand(N, T) <= p
        loss, _ = loss_fn(x, y, mask)
        assert loss == pytest.approx(call["printed"], rel=1e-13, abs=0), call["call"]
    grad = check["inputs"]["gradcheck"]
    N, T, V = grad["N"], grad["T"], grad["V"]
    x, y, mask = rs.randn(N, T, V), rs.randint(V, size=(N, T)), rs.rand(N, T) > 0.5
    loss, dx = loss_fn(
        x, y, mask, **({"verbose": False} if loss_fn is temporal_softmax_loss else {})
    )
    assert loss == pytest.approx(grad["recomputed_loss_not_printed"], rel=1e-13, abs=0)
    assert rel_error(dx, num_grad(lambda v: loss_fn(v, y, mask)[0], x)) < 1e-7


@pytest.mark.parametrize("loss_fn", LOSSES)
@pytest.mark.parametrize("N,T,V,p,seed", [(3, 4, 5, 0.5, 0), (2, 1, 3, 1.0, 1), (4, 3, 2, 0.3, 2)])
def test_temporal_softmax_loss_numeric_with_mask(loss_fn, N, T, V, p, seed):
    x, y, mask = random_loss_inputs(np.random.default_rng(seed), N, T, V, p)
    loss, dx = loss_fn(x, y, mask)
    assert np.ndim(loss) == 0 and np.isfinite(loss)
    assert rel_error(dx, num_grad(lambda v: loss_fn(v, y, mask)[0], x)) < 1e-7
    np.testing.assert_array_equal(dx[~mask], 0)


def test_loop_equals_vectorized():
    for seed in range(4):
        x, y, mask = random_loss_inputs(np.random.default_rng(seed), 5, 7, 11)
        loss, dx = temporal_softmax_loss(x, y, mask)
        loss_loop, dx_loop = temporal_softmax_loss_loop(x, y, mask)
        assert loss_loop == pytest.approx(loss, rel=1e-13)
        np.testing.assert_allclose(dx_loop, dx, rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("loss_fn", LOSSES)
def test_masked_positions_contribute_nothing(loss_fn):
    x, y, mask = random_loss_inputs(np.random.default_rng(7), 4, 5, 6)
    loss, dx = loss_fn(x, y, mask)
    x2 = x.copy()
    x2[~mask] = 1e4 * np.random.default_rng(8).standard_normal(x2[~mask].shape)
    loss2, dx2 = loss_fn(x2, y, mask)
    assert loss2 == pytest.approx(loss, rel=1e-14)
    np.testing.assert_array_equal(dx2, dx)
    unmasked, dx0 = loss_fn(x, y, np.zeros_like(mask))
    assert unmasked == 0 and not dx0.any()
    # sum over time, divide by N only: uniform scores give T * log(V) per sequence
    N, T, V = 3, 4, 10
    loss_u, _ = loss_fn(np.zeros((N, T, V)), np.zeros((N, T), int), np.ones((N, T), bool))
    assert loss_u == pytest.approx(T * np.log(V), rel=1e-14)


def test_extreme_scores_are_finite():
    x = np.array([[[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]]])
    y = np.array([[1, 1]])
    for loss_fn in LOSSES:
        loss, dx = loss_fn(x, y, np.array([[True, False]]))
        assert loss == pytest.approx(2000.0) and np.isfinite(dx).all()


def test_verbose_prints_flat_shape(capsys):
    x, y, mask = random_loss_inputs(np.random.default_rng(0), 2, 3, 4)
    temporal_softmax_loss(x, y, mask, verbose=True)
    assert capsys.readouterr().out.strip() == "dx_flat:  (6, 4)"


# --- PyTorch autograd ---------------------------------------------------------------------------


def torch_or_skip():
    return pytest.importorskip(
        "torch", reason="PyTorch not installed: autograd cross-check skipped"
    )


@pytest.mark.torch
@pytest.mark.parametrize("seed", [0, 1])
def test_backwards_vs_torch(seed):
    torch = torch_or_skip()
    rng = np.random.default_rng(seed)
    N, T, D, V = 4, 6, 5, 7
    idx = rng.integers(V, size=(N, T))
    W_embed = rng.standard_normal((V, D))
    w, b = rng.standard_normal((D, V)), rng.standard_normal(V)
    y, mask = rng.integers(V, size=(N, T)), rng.random((N, T)) < 0.6
    # numpy: embedding -> temporal affine -> loss, and back
    emb, emb_cache = word_embedding_forward(idx, W_embed)
    scores, aff_cache = temporal_affine_forward(emb, w, b)
    for loss_fn in LOSSES:
        loss, dscores = loss_fn(scores, y, mask)
        demb, dw, db = temporal_affine_backward(dscores, aff_cache)
        dW_embed = word_embedding_backward(demb, emb_cache)
        # torch: the same math
        W_t, w_t, b_t = (torch.tensor(a, requires_grad=True) for a in (W_embed, w, b))
        scores_t = W_t[torch.tensor(idx)] @ w_t + b_t
        logp = torch.log_softmax(scores_t, dim=2)
        picked = logp.gather(2, torch.tensor(y)[..., None])[..., 0]
        loss_t = -(picked * torch.tensor(mask)).sum() / N
        loss_t.backward()
        assert loss == pytest.approx(loss_t.item(), rel=1e-13)
        for got, t in ((dW_embed, W_t), (dw, w_t), (db, b_t)):
            assert rel_error(got, t.grad.numpy()) < 1e-10


# --- contract: no mutation, validation, dtypes --------------------------------------------------


def test_inputs_not_mutated():
    rng = np.random.default_rng(3)
    x, y, mask = random_loss_inputs(rng, 3, 4, 5)
    w, b, W = rng.standard_normal((5, 6)), rng.standard_normal(6), rng.standard_normal((5, 2))
    dout = rng.standard_normal((3, 4, 6))
    all_inputs = [x, y, mask, w, b, W, dout]
    saved = copy.deepcopy(all_inputs)
    for loss_fn in LOSSES:
        loss_fn(x, y, mask)
    _, cache = temporal_affine_forward(x, w, b)
    first = temporal_affine_backward(dout, cache)
    second = temporal_affine_backward(dout, cache)
    for a, s in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, s)
    emb, emb_cache = word_embedding_forward(y, W)
    demb = rng.standard_normal(emb.shape)
    demb_saved = demb.copy()
    np.testing.assert_array_equal(
        word_embedding_backward(demb, emb_cache), word_embedding_backward(demb, emb_cache)
    )
    np.testing.assert_array_equal(demb, demb_saved)
    for a, s in zip(all_inputs, saved, strict=True):
        np.testing.assert_array_equal(a, s)


def test_bad_shapes_and_dtypes():
    x, y, mask = random_loss_inputs(np.random.default_rng(0), 2, 3, 4)
    for loss_fn in LOSSES:
        with pytest.raises(
            ValueError, match=r"y must have shape \(N, T\) = \(2, 3\), got \(3, 2\)"
        ):
            loss_fn(x, y.T, mask)
        with pytest.raises(ValueError, match=r"mask must have shape \(N, T\) = \(2, 3\)"):
            loss_fn(x, y, mask[:, :2])
        with pytest.raises(ValueError, match=r"y values must lie in \[0, 4\)"):
            loss_fn(x, y + 4, mask)
        with pytest.raises(ValueError, match="y must be an integer array"):
            loss_fn(x, y.astype(float), mask)
        with pytest.raises(ValueError, match="mask must be boolean"):
            loss_fn(x, y, mask * 2)
        with pytest.raises(ValueError, match=r"x must have shape \(N, T, V\)"):
            loss_fn(x[0], y, mask)
    with pytest.raises(ValueError, match=r"w must have shape \(D, M\) = \(4, \?\), got \(3, 5\)"):
        temporal_affine_forward(x, np.zeros((3, 5)), np.zeros(5))
    with pytest.raises(ValueError, match=r"b must have shape \(M,\) = \(5,\)"):
        temporal_affine_forward(x, np.zeros((4, 5)), np.zeros(6))
    _, cache = temporal_affine_forward(x, np.zeros((4, 5)), np.zeros(5))
    with pytest.raises(ValueError, match=r"dout must have shape \(N, T, M\)"):
        temporal_affine_backward(np.zeros((6, 5)), cache)
    with pytest.raises(ValueError, match=r"x values must lie in \[0, 3\)"):
        word_embedding_forward(np.array([[0, 3]]), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"W must have shape \(V, D\)"):
        word_embedding_forward(np.array([[0, 1]]), np.zeros(3))
    with pytest.raises(ValueError, match="x must be an integer array"):
        word_embedding_forward(np.array([[0.0, 1.0]]), np.zeros((3, 2)))
    _, emb_cache = word_embedding_forward(np.array([[0, 1]]), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"dout must have shape \(N, T, D\)"):
        word_embedding_backward(np.zeros((1, 2)), emb_cache)


def test_float32_stays_float32():
    rng = np.random.default_rng(4)
    x, y, mask = random_loss_inputs(rng, 2, 3, 4)
    x32 = x.astype(np.float32)
    for loss_fn in LOSSES:
        loss, dx = loss_fn(x32, y, mask)
        assert np.asarray(loss).dtype == np.float32 and dx.dtype == np.float32
        assert loss == pytest.approx(loss_fn(x, y, mask)[0], rel=1e-5)
    w, b = rng.standard_normal((4, 5)).astype(np.float32), np.zeros(5, np.float32)
    out, cache = temporal_affine_forward(x32, w, b)
    assert out.dtype == np.float32
    grads = temporal_affine_backward(np.ones_like(out), cache)
    assert all(g.dtype == np.float32 for g in grads)
    emb, emb_cache = word_embedding_forward(y, w)
    assert emb.dtype == np.float32
    assert word_embedding_backward(np.ones_like(emb), emb_cache).dtype == np.float32
    assert word_embedding_backward(np.ones(emb.shape), emb_cache).dtype == np.float64
