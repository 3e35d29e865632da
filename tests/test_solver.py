# ruff: noqa: NPY002  (the tests re-seed the global RNG to show the solver never uses it)
"""Update rules against hand-computed steps; CaptioningSolver training, RNG hygiene, I/O."""

import copy
import math
import pickle

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from solutions.captioning import CaptioningRNN
from workbook.data.captions import load_captioning_data, sample_minibatch
from workbook.data.captions import sample_minibatch as workbook_sample_minibatch
from workbook.optim import adam, sgd, sgd_momentum
from workbook.solver import CaptioningSolver

W0, DW1, DW2 = [1.0, -2.0, 0.0], [0.5, 0.1, -3.0], [-0.5, 0.3, 2.0]


@pytest.fixture(scope="module")
def small_data():
    return load_captioning_data(max_train=50)


def small_model(data, cell_type="lstm", seed=0, hidden_dim=16):
    np.random.seed(seed)
    D = data["train_features"].shape[1]
    return CaptioningRNN(
        data["word_to_idx"], input_dim=D, wordvec_dim=8, hidden_dim=hidden_dim, cell_type=cell_type
    )


# --- update rules ---------------------------------------------------------------------------


def test_sgd_by_hand():
    w, config = sgd(np.array(W0), np.array(DW1))
    assert config == {"learning_rate": 1e-2}
    np.testing.assert_allclose(w, [1 - 0.005, -2 - 0.001, 0.03], rtol=1e-15)
    w, _ = sgd(np.array(W0), np.array(DW1), {"learning_rate": 0.5})
    np.testing.assert_allclose(w, [0.75, -2.05, 1.5], rtol=1e-15)


def test_sgd_momentum_by_hand():
    w1, config = sgd_momentum(np.array(W0), np.array(DW1), {"learning_rate": 0.1})
    assert config["momentum"] == 0.9
    v1 = [-0.05, -0.01, 0.3]
    np.testing.assert_allclose(config["velocity"], v1, rtol=1e-15)
    np.testing.assert_allclose(w1, [0.95, -2.01, 0.3], rtol=1e-15)
    w2, config = sgd_momentum(w1, np.array(DW2), config)
    v2 = [0.9 * v - 0.1 * d for v, d in zip(v1, DW2, strict=True)]  # [0.005, -0.039, 0.07]
    np.testing.assert_allclose(config["velocity"], v2, rtol=1e-14)
    np.testing.assert_allclose(w2, [0.955, -2.049, 0.37], rtol=1e-14)


def test_adam_by_hand():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    w1, config = adam(np.array(W0), np.array(DW1), {"learning_rate": lr})
    assert (config["beta1"], config["beta2"], config["epsilon"], config["t"]) == (b1, b2, eps, 1)
    # step 1: the bias-corrected moments are dw and dw**2, so the step is lr * sign(dw)
    expect1 = [w - lr * d / (abs(d) + eps) for w, d in zip(W0, DW1, strict=True)]
    np.testing.assert_allclose(w1, expect1, rtol=1e-15)
    w2, config = adam(w1, np.array(DW2), config)
    assert config["t"] == 2
    expect2 = []
    for w, d1, d2 in zip(expect1, DW1, DW2, strict=True):
        m = b1 * (1 - b1) * d1 + (1 - b1) * d2
        v = b2 * (1 - b2) * d1**2 + (1 - b2) * d2**2
        m_hat, v_hat = m / (1 - b1**2), v / (1 - b2**2)
        expect2.append(w - lr * m_hat / (math.sqrt(v_hat) + eps))
    np.testing.assert_allclose(w2, expect2, rtol=1e-14)
    np.testing.assert_allclose(
        config["m"], [0.1 * 0.9 * a + 0.1 * b for a, b in zip(DW1, DW2, strict=True)]
    )


@pytest.mark.parametrize("rule", [sgd, sgd_momentum, adam])
def test_rules_do_not_mutate_and_keep_dtype(rule):
    w, dw = np.array(W0, dtype=np.float32), np.array(DW1, dtype=np.float32)
    config = {"learning_rate": 0.1}
    w_copy, config_copy = w.copy(), dict(config)
    next_w, next_config = rule(w, dw, config)
    assert np.array_equal(w, w_copy) and config == config_copy
    assert next_w.dtype == np.float32 and next_w.shape == w.shape
    assert next_config is not config
    again, _ = rule(next_w, dw, next_config)
    assert again.dtype == np.float32
    with pytest.raises(ValueError, match="dw"):
        rule(w, dw[:2])


# --- solver ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_lstm_overfits_50_captions(small_data):
    """CS231n's overfit check: LSTM, W=256, H=512, adam 5e-3, 50 epochs of batch 25."""
    np.random.seed(231)
    model = CaptioningRNN(
        small_data["word_to_idx"],
        input_dim=small_data["train_features"].shape[1],
        wordvec_dim=256,
        hidden_dim=512,
        cell_type="lstm",
    )
    solver = CaptioningSolver(
        model,
        small_data,
        update_rule="adam",
        num_epochs=50,
        batch_size=25,
        optim_config={"learning_rate": 5e-3},
        lr_decay=0.995,
        verbose=False,
    )
    with threadpool_limits(1):  # small matmuls: one BLAS thread is fastest on a shared machine
        solver.train()
    assert len(solver.loss_history) == 100
    assert solver.loss_history[0] > 20
    assert solver.loss_history[-1] < 0.1


def test_global_rng_never_used(small_data):
    model_a = small_model(small_data, seed=0)
    model_b = copy.deepcopy(model_a)
    np.random.seed(1)
    state = np.random.get_state()[1].copy()
    solver_a = CaptioningSolver(
        model_a, small_data, update_rule="adam", num_epochs=2, batch_size=10, verbose=False, seed=5
    )
    solver_a.train()
    assert np.array_equal(np.random.get_state()[1], state)
    np.random.seed(2)
    solver_b = CaptioningSolver(
        model_b, small_data, update_rule="adam", num_epochs=2, batch_size=10, verbose=False, seed=5
    )
    solver_b.train()
    assert solver_a.loss_history == solver_b.loss_history
    for k in model_a.params:
        assert np.array_equal(model_a.params[k], model_b.params[k])
    model_c = small_model(small_data, seed=0)
    solver_c = CaptioningSolver(
        model_c, small_data, update_rule="adam", num_epochs=2, batch_size=10, verbose=False, seed=6
    )
    solver_c.train()
    assert solver_c.loss_history != solver_a.loss_history


@pytest.mark.parametrize("rule", ["sgd", "sgd_momentum", "adam"])
def test_iterations_lr_decay_and_loss_decreases(small_data, rule):
    model = small_model(small_data)
    lr = {"sgd": 1.0, "sgd_momentum": 0.3, "adam": 3e-2}[rule]
    solver = CaptioningSolver(
        model,
        small_data,
        update_rule=rule,
        optim_config={"learning_rate": lr},
        lr_decay=0.95,
        batch_size=20,
        num_epochs=20,
        verbose=False,
    )
    solver.train()
    assert len(solver.loss_history) == 20 * (50 // 20)
    assert solver.epoch == 20
    for config in solver.optim_configs.values():
        assert config["learning_rate"] == pytest.approx(lr * 0.95**20)
    assert solver.optim_config == {"learning_rate": lr}  # the template is untouched
    assert np.mean(solver.loss_history[-3:]) < 0.6 * np.mean(solver.loss_history[:3])
    assert solver.train_acc_history == [] and solver.val_acc_history == []


def test_invalid_update_rule(small_data):
    with pytest.raises(ValueError, match='Invalid update_rule "rmsprop"'):
        CaptioningSolver(small_model(small_data), small_data, update_rule="rmsprop")


def test_verbose_prints_and_quiet_does_not(small_data, capsys):
    CaptioningSolver(
        small_model(small_data), small_data, batch_size=25, num_epochs=2, print_every=3
    ).train()
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and out[0].startswith("(Iteration 1 / 4) loss: ")
    assert out[1].startswith("(Iteration 4 / 4) loss: ")
    CaptioningSolver(small_model(small_data), small_data, num_epochs=1, verbose=False).train()
    assert capsys.readouterr().out == ""


def test_checkpoints_only_when_asked(small_data, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    CaptioningSolver(small_model(small_data), small_data, num_epochs=2, verbose=False).train()
    assert list(tmp_path.iterdir()) == []
    name = str(tmp_path / "ck")
    solver = CaptioningSolver(
        small_model(small_data),
        small_data,
        num_epochs=2,
        batch_size=25,
        verbose=False,
        checkpoint_name=name,
    )
    solver.train()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ck_epoch_1.pkl", "ck_epoch_2.pkl"]
    with open(tmp_path / "ck_epoch_2.pkl", "rb") as f:
        checkpoint = pickle.load(f)
    assert checkpoint["epoch"] == 2 and checkpoint["loss_history"] == solver.loss_history
    assert checkpoint["update_rule"] == "sgd"
    np.testing.assert_array_equal(checkpoint["model"].params["Wx"], solver.model.params["Wx"])


def test_sample_fn_and_default_sampler(small_data):
    calls = []

    def fixed_batch(data, batch_size=100, split="train", seed=None):
        calls.append((batch_size, split, type(seed).__name__))
        return data["train_captions"][:batch_size], data["train_features"][:batch_size], None

    solver = CaptioningSolver(
        small_model(small_data),
        small_data,
        batch_size=5,
        num_epochs=1,
        verbose=False,
        sample_fn=fixed_batch,
    )
    solver.train()
    assert calls == [(5, "train", "Generator")] * 10
    # the solver's built-in sampler draws exactly what the workbook's does
    a = sample_minibatch(small_data, batch_size=7, split="val", seed=3)
    b = workbook_sample_minibatch(small_data, batch_size=7, split="val", seed=3)
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x, y)
