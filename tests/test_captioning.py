# ruff: noqa: NPY002  (CaptioningRNN draws its initial weights from the global RNG, as CS231n)
"""CaptioningRNN reference: published losses, numeric gradients, sampling, initialisation."""

import copy

import numpy as np
import pytest
from oracle import num_grad, reference_check, rel_error

from solutions.captioning import CaptioningRNN
from solutions.layers import sigmoid

PARAMS = ("W_embed", "W_proj", "b_proj", "Wx", "Wh", "b", "W_vocab", "b_vocab")
VOCAB = {"<NULL>": 0, "<START>": 1, "<END>": 2, "<UNK>": 3, "a": 4, "cat": 5, "dog": 6}


def linspace(spec, dims):
    a = np.linspace(spec["start"], spec["stop"], num=spec["num_value"])
    return a.reshape([dims[d] for d in spec["reshape"]]) if "reshape" in spec else a


@pytest.mark.parametrize("cell_type", ["rnn", "lstm"])
def test_published_loss(cell_type):
    check = reference_check(f"captioning_rnn_loss_{cell_type}")
    inp = check["inputs"]
    N, D, W, H, T = (inp[k] for k in "NDWHT")
    word_to_idx = inp["word_to_idx"]
    V = len(word_to_idx)
    model = CaptioningRNN(
        word_to_idx, input_dim=D, wordvec_dim=W, hidden_dim=H, cell_type=cell_type, dtype=np.float64
    )
    for k, v in model.params.items():
        assert list(v.shape) == inp["param_shapes"][k]
        model.params[k] = np.linspace(-1.4, 1.3, num=v.size).reshape(*v.shape)
    features = linspace(inp["features"], {"N": N, "D": D})
    captions = (np.arange(N * T) % V).reshape(N, T)

    loss, grads = model.loss(features, captions)

    expected = check["expected_as_printed"]["expected_loss"]
    assert f"{loss:.12g}" == repr(expected)  # the printed 12 significant digits
    assert abs(loss - check["recomputed_full_precision"]) < 1e-13
    assert set(grads) == set(PARAMS)


def published_gradcheck_setup(cell_type):
    """CS231n's captioning gradient check: seed 231, the notebook's RNG order."""
    inp = reference_check("captioning_rnn_gradcheck")["inputs"]
    np.random.seed(inp["seed"])
    V = inp["vocab_size"]
    captions = np.random.randint(V, size=(inp["batch_size"], inp["timesteps"]))
    features = np.random.randn(inp["batch_size"], inp["input_dim"])
    model = CaptioningRNN(
        inp["word_to_idx"],
        input_dim=inp["input_dim"],
        wordvec_dim=inp["wordvec_dim"],
        hidden_dim=inp["hidden_dim"],
        cell_type=cell_type,
        dtype=np.float64,
    )
    return model, features, captions


def random_setup(cell_type, seed, N=3, T=6, D=5, W=4, H=3):
    """Captions with <START>, words, <END> and <NULL> padding; weights scaled up to O(1)."""
    rng = np.random.default_rng(seed)
    np.random.seed(seed)
    model = CaptioningRNN(
        VOCAB, input_dim=D, wordvec_dim=W, hidden_dim=H, cell_type=cell_type, dtype=np.float64
    )
    for k in model.params:
        model.params[k] = 0.5 * rng.standard_normal(model.params[k].shape)
    captions = np.zeros((N, T + 1), dtype=np.int64)
    for n in range(N):
        length = rng.integers(1, T)
        captions[n, 0] = 1
        captions[n, 1 : length + 1] = rng.integers(3, 7, size=length)
        captions[n, length + 1] = 2
    return model, rng.standard_normal((N, D)), captions


@pytest.mark.parametrize("cell_type", ["rnn", "lstm"])
@pytest.mark.parametrize("setup", ["published", "random0", "random1"])
def test_gradients_match_numeric(cell_type, setup):
    if setup == "published":
        model, features, captions = published_gradcheck_setup(cell_type)
        # CS231n's init draws word vectors / 100, so x = W_embed[captions] is ~1e-2 and some
        # entries of dWx are ~1e-7. With h = 1e-3 the round-off of the difference quotient
        # (~4e-13 absolute) is 1.6e-6 of such an entry (the "Wx error" CS231n students see).
        # The loss is almost linear in Wx (curvature ~|x|^2), so a 10x larger step keeps the
        # truncation error negligible and divides the round-off by 10: all errors < 1e-7.
        h = 1e-2
    else:
        model, features, captions = random_setup(cell_type, seed=int(setup[-1]))
        h = 1e-3
    loss, grads = model.loss(features, captions)
    assert np.isfinite(loss) and loss > 0
    for name in PARAMS:
        param = model.params[name]

        def loss_at(p, name=name):
            model.params[name] = p
            return model.loss(features, captions)[0]

        numeric = num_grad(loss_at, param, h=h)
        model.params[name] = param
        assert grads[name].shape == param.shape and grads[name].dtype == np.float64
        err = rel_error(numeric, grads[name])
        assert err < 1e-7, f"{cell_type} {setup} {name}: rel_error {err:.2e}"


def test_masked_targets_add_nothing():
    """A caption whose targets are all <NULL> adds 0 to the summed loss (which is / N)."""
    model, features, captions = random_setup("lstm", seed=2, N=2)
    loss_one, grads_one = model.loss(features[:1], captions[:1])
    padded = captions.copy()
    padded[1, 1:] = 0
    loss_two, grads_two = model.loss(features, padded)
    assert np.isclose(loss_two, loss_one / 2, rtol=1e-12)
    for name in ("W_vocab", "b_vocab", "Wx", "Wh"):
        np.testing.assert_allclose(grads_two[name], grads_one[name] / 2, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("cell_type", ["rnn", "lstm"])
def test_init_shapes_scaling_dtype_and_rng_order(cell_type):
    D, W, H = 50, 40, 30
    V = len(VOCAB)
    k = 4 if cell_type == "lstm" else 1
    np.random.seed(7)
    model = CaptioningRNN(VOCAB, input_dim=D, wordvec_dim=W, hidden_dim=H, cell_type=cell_type)
    np.random.seed(7)
    expected = {
        "W_embed": np.random.randn(V, W) / 100,
        "W_proj": np.random.randn(D, H) / np.sqrt(D),
        "b_proj": np.zeros(H),
        "Wx": np.random.randn(W, k * H) / np.sqrt(W),
        "Wh": np.random.randn(H, k * H) / np.sqrt(H),
        "b": np.zeros(k * H),
        "W_vocab": np.random.randn(H, V) / np.sqrt(H),
        "b_vocab": np.zeros(V),
    }
    assert list(model.params) == list(expected)
    for name, value in expected.items():
        assert model.params[name].dtype == np.float32
        np.testing.assert_array_equal(model.params[name], value.astype(np.float32))
    assert (model._null, model._start, model._end) == (0, 1, 2)
    assert model.idx_to_word[5] == "cat" and model.cell_type == cell_type


def test_vocab_without_start_end_and_without_null():
    model = CaptioningRNN({"<NULL>": 0, "cat": 2, "dog": 3}, input_dim=4, hidden_dim=3)
    assert model._start is None and model._end is None
    with pytest.raises(KeyError):
        CaptioningRNN({"cat": 0}, input_dim=4)


@pytest.mark.parametrize("cell_type", ["gru", "RNN", ""])
def test_invalid_cell_type(cell_type):
    with pytest.raises(ValueError, match=f'Invalid cell_type "{cell_type}"'):
        CaptioningRNN(VOCAB, cell_type=cell_type)


def greedy_by_hand(model, features, max_length):
    """Independent greedy decoder in plain numpy."""
    p = model.params
    h = features @ p["W_proj"] + p["b_proj"]
    c = np.zeros_like(h)
    word = np.full(len(features), model._start)
    out = []
    for _ in range(max_length):
        a = p["W_embed"][word] @ p["Wx"] + h @ p["Wh"] + p["b"]
        if model.cell_type == "rnn":
            h = np.tanh(a)
        else:
            H = h.shape[1]
            i, f, o = (sigmoid(a[:, j * H : (j + 1) * H]) for j in range(3))
            c = f * c + i * np.tanh(a[:, 3 * H :])
            h = o * np.tanh(c)
        word = np.argmax(h @ p["W_vocab"] + p["b_vocab"], axis=1)
        out.append(word)
    return np.stack(out, axis=1)


@pytest.mark.parametrize("cell_type", ["rnn", "lstm"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sample(cell_type, dtype):
    model, features, _ = random_setup(cell_type, seed=3, N=4)
    for k, v in model.params.items():
        model.params[k] = (3 * v).astype(dtype)  # large weights: varied words
    features = features.astype(dtype)
    params_before = copy.deepcopy(model.params)
    features_before = features.copy()

    captions = model.sample(features, max_length=9)

    assert captions.shape == (4, 9) and captions.dtype == np.int32
    assert captions.min() >= 0 and captions.max() < len(VOCAB)
    np.testing.assert_array_equal(captions, greedy_by_hand(model, features, 9))
    assert len(np.unique(captions)) > 1
    assert np.array_equal(features, features_before)
    for k in PARAMS:
        assert np.array_equal(model.params[k], params_before[k])
    assert model.sample(features).shape == (4, 30)  # default max_length
    empty = model.sample(features, max_length=0)
    assert empty.shape == (4, 0) and empty.dtype == np.int32


def test_float32_model_keeps_float32():
    model, features, captions = random_setup("lstm", seed=4)
    model.params = {k: v.astype(np.float32) for k, v in model.params.items()}
    loss, grads = model.loss(features.astype(np.float32), captions.astype(np.int32))
    assert np.isfinite(loss)
    for k in PARAMS:
        assert grads[k].dtype == np.float32, k


def test_loss_does_not_mutate_inputs_and_validates():
    model, features, captions = random_setup("rnn", seed=5)
    f0, c0, p0 = features.copy(), captions.copy(), copy.deepcopy(model.params)
    model.loss(features, captions)
    assert np.array_equal(features, f0) and np.array_equal(captions, c0)
    for k in PARAMS:
        assert np.array_equal(model.params[k], p0[k])
    with pytest.raises(ValueError, match="captions"):
        model.loss(features, captions.astype(np.float64))
    with pytest.raises(ValueError, match="captions"):
        model.loss(features, captions[:2])
    with pytest.raises(ValueError, match="features"):
        model.loss(features[:, :, None], captions)


def test_torch_autograd_agrees():
    torch = pytest.importorskip("torch")
    for cell_type in ("rnn", "lstm"):
        model, features, captions = random_setup(cell_type, seed=6, N=4, T=7, D=6, W=5, H=4)
        loss, grads = model.loss(features, captions)
        p = {k: torch.tensor(v, requires_grad=True) for k, v in model.params.items()}
        cin, cout = torch.tensor(captions[:, :-1]), torch.tensor(captions[:, 1:])
        h = torch.tensor(features) @ p["W_proj"] + p["b_proj"]
        c = torch.zeros_like(h)
        H, hs = h.shape[1], []
        for t in range(cin.shape[1]):
            a = p["W_embed"][cin[:, t]] @ p["Wx"] + h @ p["Wh"] + p["b"]
            if cell_type == "rnn":
                h = torch.tanh(a)
            else:
                i, f, o = (torch.sigmoid(a[:, j * H : (j + 1) * H]) for j in range(3))
                c = f * c + i * torch.tanh(a[:, 3 * H :])
                h = o * torch.tanh(c)
            hs.append(h)
        scores = torch.stack(hs, dim=1) @ p["W_vocab"] + p["b_vocab"]
        logp = torch.log_softmax(scores, dim=-1).gather(2, cout[..., None])[..., 0]
        t_loss = -(logp * (cout != 0)).sum() / len(features)
        t_loss.backward()
        assert abs(t_loss.item() - loss) < 1e-12
        for k in PARAMS:
            assert rel_error(p[k].grad.numpy(), grads[k]) < 1e-10, (cell_type, k)
