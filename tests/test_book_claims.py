"""What the chapters claim, checked (issue 14): the numbers and comparisons stated in the book
pages and the notebooks' markdown, computed with the reference ``solutions``.

Claims about a teaching cell are checked by running that cell's own source (from the source
notebook) with the reference functions in its namespace, so the text and the cell cannot
drift apart; long training runs are checked at a smaller budget with the same settings.
The figure pages also assert their own claims while the book builds.
"""

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import solutions  # noqa: E402
from autograder.mistakes.base import build_function, build_mutants, find  # noqa: E402
from autograder.mistakes.edits import Rhs  # noqa: E402


def build_mutant(mistake):
    """The catalogue entry's first way of writing the mistake."""
    return build_mutants(mistake)[0]


from workbook import checks, gradcheck, locate  # noqa: E402
from workbook.data import captions  # noqa: E402
from workbook.data.recall import load_recall_data, recall_loss  # noqa: E402
from workbook.experiments import Config, train_models  # noqa: E402
from workbook.solver import CaptioningSolver  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ("gradcheck", "softmax", "temporal_loss", "rnn", "lstm")


def notebook(chapter):
    return json.loads((ROOT / "assignments" / chapter / f"{chapter}.ipynb").read_text())


def cell(chapter, cell_id):
    for c in notebook(chapter)["cells"]:
        if c.get("id") == cell_id:
            return "".join(c["source"])
    raise KeyError(f"{chapter}: no cell {cell_id!r}")


def run_cell(chapter, cell_id, **names):
    """Run a teaching cell with the reference answers; return its namespace."""
    ns = {name: getattr(solutions, name) for name in solutions.__all__}
    ns.update(check_close=checks.check_close, check_gradients=checks.check_gradients)
    ns.update(np=np, plt=plt, CaptioningSolver=CaptioningSolver)
    ns.update({k: getattr(gradcheck, k) for k in ("rel_error", "eval_numerical_gradient")})
    ns.update(eval_numerical_gradient_array=gradcheck.eval_numerical_gradient_array)
    ns.update(load_captioning_data=captions.load_captioning_data, **names)
    ns["plt"].show = lambda *a, **k: None
    with threadpool_limits(1):
        exec(compile(cell(chapter, cell_id), f"<{chapter}:{cell_id}>", "exec"), ns)  # noqa: S102
    plt.close("all")
    return ns


def markdown(chapter, cell_id):
    return cell(chapter, cell_id)


# -- fix 1: the order of the step Jacobian --------------------------------------------------
def test_step_jacobian_is_diag_times_wh_transposed():
    rng = np.random.default_rng(0)
    D, H = 5, 4
    x, h = rng.standard_normal((1, D)), rng.standard_normal((1, H))
    Wx, Wh, b = rng.standard_normal((D, H)), rng.standard_normal((H, H)), rng.standard_normal(H)
    h_next, _ = solutions.rnn_step_forward(x, h, Wx, Wh, b)
    eps, J = 1e-6, np.zeros((H, H))
    for k in range(H):
        e = np.zeros((1, H))
        e[0, k] = eps
        up = solutions.rnn_step_forward(x, h + e, Wx, Wh, b)[0]
        down = solutions.rnn_step_forward(x, h - e, Wx, Wh, b)[0]
        J[:, k] = (up - down)[0] / (2 * eps)
    d = np.diag(1 - h_next[0] ** 2)
    assert np.abs(d @ Wh.T - J).max() < 1e-9
    assert np.abs(Wh.T @ d - J).max() > 0.1  # the order the book had
    for page in ("book/figures/lstm.md", "book/derivations/lstm.md"):
        assert r"W_h^\top \operatorname{diag}" not in (ROOT / page).read_text(), page
    rnn_page = (ROOT / "book/derivations/rnn.md").read_text()
    assert rnn_page.count(r"W_h^\top \operatorname{diag}") == 1  # "...is a different matrix"
    assert r"J_t\, J_{t-1} \cdots J_{k+1}" in rnn_page  # the order of the product is stated
    assert r"\operatorname{diag}\!\big(1 - h_j^2\big)\, W_h^\top" in markdown("lstm", "md-15")


# -- fix 2: what makes the gradient vanish ---------------------------------------------------
def test_vanishing_comes_from_tanh_prime_not_a_small_wh():
    T, N, D, H = 60, 32, 64, 64  # the figure's set-up (book/figures/lstm.md)
    rng = np.random.default_rng(0)
    x, g = rng.standard_normal((T, N, D)), rng.standard_normal((N, H))
    Wx = rng.standard_normal((D, H)) / np.sqrt(D)
    Wh = rng.standard_normal((H, H)) / np.sqrt(H)
    h, caches, hs = np.zeros((N, H)), [], []
    for t in range(T):
        h, cache = solutions.rnn_step_forward(x[t], h, Wx, Wh, np.zeros(H))
        caches.append(cache)
        hs.append(h)
    dh, norms = g, []
    for t in reversed(range(T)):
        norms.append(np.linalg.norm(dh))
        _, dh, _, _, _ = solutions.rnn_step_backward(dh, caches[t])
    sigma_max = np.linalg.svd(Wh, compute_uv=False)[0]
    radius = np.abs(np.linalg.eigvals(Wh)).max()
    decay = (norms[-1] / norms[0]) ** (1 / (T - 1))
    rms = np.sqrt(np.mean((1 - np.array(hs) ** 2) ** 2))
    assert 1.5 < sigma_max < 2.5 and 0.8 < radius < 1.25  # "about 2" and "about 1"
    v = rng.standard_normal((200, H))
    assert 0.9 < np.mean(np.linalg.norm(v @ Wh.T, axis=1) / np.linalg.norm(v, axis=1)) < 1.1
    assert decay < 0.8 and abs(decay - rms) < 0.1 * rms  # the decay is the tanh' factors
    assert (
        "largest singular value $\\sigma_{\\max}(W_h) < 1$ is *enough*"
        in (ROOT / "book/derivations/rnn.md").read_text()
    )


# -- fix 3: the LSTM mistakes table -----------------------------------------------------------
def _step_case(seed=0, N=4, D=5, H=3):
    rng = np.random.default_rng(seed)
    shapes = [(N, D), (N, H), (N, H), (D, 4 * H), (H, 4 * H), (4 * H,)]
    args = [rng.standard_normal(s) for s in shapes]
    return args, rng.standard_normal((N, H)), rng.standard_normal((N, H))


def test_lstm_table_no_h_path_makes_every_output_wrong():
    mutant = build_mutant(find("lstm_step_backward.no_path_from_h_to_c"))
    for seed in range(3):
        args, dh, dc = _step_case(seed)
        _, _, cache = solutions.lstm_step_forward(*args)
        ref, bad = solutions.lstm_step_backward(dh, dc, cache), mutant(dh, dc, cache)
        errors = [gradcheck.rel_error(a, b) for a, b in zip(ref, bad, strict=True)]
        assert min(errors) > 0.5, errors  # dprev_c included: "dc_{t-1} right" was wrong


def test_lstm_table_dropped_dnext_c_is_right_with_dnext_h_only():
    mutant = build_mutant(find("lstm_step_backward.dnext_c_ignored"))
    args, dh, dc = _step_case(1)
    _, _, cache = solutions.lstm_step_forward(*args)
    zero = np.zeros_like(dh)
    ref, bad = solutions.lstm_step_backward(dh, zero, cache), mutant(dh, zero, cache)
    for a, b in zip(ref, bad, strict=True):
        assert gradcheck.rel_error(a, b) < 1e-12
    ref, bad = solutions.lstm_step_backward(zero, dc, cache), mutant(zero, dc, cache)
    for a, b in zip(ref, bad, strict=True):
        assert gradcheck.rel_error(a, b) > 0.5


@pytest.mark.parametrize(
    "patch",
    [
        [Rhs("da_g", "dg * g * (1 - g)")],  # sigma' for g
        [Rhs("da_g", "dg * (1 - np.tanh(g) ** 2)")],  # tanh twice
    ],
    ids=["sigmoid_prime", "tanh_twice"],
)
def test_lstm_table_wrong_g_derivative_shows_in_the_g_block_only(patch):
    wrong = build_function("lstm_step_backward", patch)
    args, dh, dc = _step_case(2, N=5, D=5)
    args[0] = np.eye(5)  # x = I: dWx = da
    _, _, cache = solutions.lstm_step_forward(*args)
    da, da_wrong = solutions.lstm_step_backward(dh, dc, cache)[3], wrong(dh, dc, cache)[3]
    H = dh.shape[1]
    errors = [gradcheck.rel_error(da[:, k * H : (k + 1) * H], da_wrong[:, k * H : (k + 1) * H])
              for k in range(4)]  # fmt: skip
    assert max(errors[:3]) < 1e-12 < 0.1 < errors[3], errors


@pytest.mark.parametrize(
    "mid", ["lstm_backward.dprev_h_not_carried", "lstm_backward.dprev_c_not_carried"]
)
def test_lstm_table_not_carried_is_right_at_the_last_step_only(mid, capsys):
    with pytest.raises(AssertionError) as e:
        locate.bptt(solutions.lstm_forward, build_mutant(find(mid)), gates=4, T=4)
    assert "step 4" not in str(e.value) and "step 3" in str(e.value)
    assert "step 4 (array position 3): da[:, 3] summed over n: rel_error" in capsys.readouterr().out


# -- fix 4: RNN against LSTM, with the same schedule ----------------------------------------
def test_lstm_notebook_caption_comparison_matches_its_text(capsys):
    assert "lr_decay=0.995" in cell("lstm", "code-31")
    assert "lr_decay, " not in cell("lstm", "code-31")  # one schedule for both cells
    ns = run_cell("lstm", "code-31")
    finals = {k: v[-1] for k, v in ns["histories"].items()}
    assert ns["ahead"] == "rnn", finals  # "the vanilla RNN ... gets at least as low"
    assert max(finals.values()) < 0.1  # "Both memorise the data"
    assert "usually gets there faster" not in markdown("lstm", "md-30")


@pytest.mark.slow
def test_recall_task_lstm_with_open_forget_gate_wins_at_a_small_budget():
    """book/figures/lstm.md and lstm.ipynb section 8, with 3 epochs instead of 5-6."""
    data = load_recall_data(T=50)
    configs = {
        "rnn": Config("rnn"),
        "lstm0": Config("lstm"),
        "lstm3": Config("lstm", forget_bias=3.0),
    }
    with threadpool_limits(1):
        for seed in (0, 1):
            runs = train_models(
                solutions.CaptioningRNN, data, configs, epochs=3, evaluate=recall_loss,
                seed=seed, hidden_dim=32, wordvec_dim=16, update_rule="adam",
                optim_config={"learning_rate": 5e-3}, batch_size=50,
            )  # fmt: skip
            final = {k: r.final for k, r in runs.items()}
            assert final["lstm3"] < 0.5 * min(final["rnn"], final["lstm0"]), (seed, final)
            assert final["lstm0"] > 0.9 * np.log(8), (seed, final)  # "near chance"
    notebook_cell = cell("lstm", "code-recall")
    assert "epochs=6" in notebook_cell and "forget_bias=3.0" in notebook_cell


def test_recall_data_masks_everything_but_the_answer():
    data = load_recall_data(T=7, num_keys=3, num_train=20, num_val=5)
    again = load_recall_data(T=7, num_keys=3, num_train=20, num_val=5)
    assert all(np.array_equal(data[k], again[k]) for k in data if k.endswith("captions"))
    caps, w2i = data["train_captions"], data["word_to_idx"]
    assert caps.shape == (20, 8) and (caps[:, 1:-1] == w2i["<NULL>"]).all()
    keys = [data["idx_to_word"][i] for i in caps[:, -1]]
    assert keys == [f"key{k}" for k in data["train_keys"]]
    assert np.array_equal(data["train_features"].argmax(1), data["train_keys"])
    model = solutions.CaptioningRNN(w2i, input_dim=3, wordvec_dim=4, hidden_dim=5)
    for p in model.params.values():
        p[...] = 0.0  # uniform scores over the V words: the one counted target costs log V
    assert recall_loss(model, data) == pytest.approx(np.log(len(w2i)), rel=1e-6)
    with pytest.raises(ValueError, match="num_keys"):
        load_recall_data(T=5, num_keys=1)


# -- fix 5: reading direction of the error curve ----------------------------------------------
def test_gradcheck_error_curve_reads_left_to_right():
    ns = run_cell(
        "gradcheck", "code-15", finite_difference_errors=solutions.finite_difference_errors
    )
    hs, err = ns["hs"], ns["err64"]
    assert ns["ax"].xaxis_inverted()  # large h on the left
    best = int(np.argmin(err))
    assert 1e-6 < hs[best] < 1e-4
    assert err[0] > 1e3 * err[best] and err[-1] > 1e3 * err[best]  # down, then up again
    text = markdown("gradcheck", "md-14")
    assert "from left to right" in text and "right to left" not in text


# -- fix 8: smaller ones ---------------------------------------------------------------------
def test_rnn_notebook_overfit_uses_cs231n_schedule_and_reaches_its_claims():
    assert "lr_decay=0.995" in cell("rnn", "code-25")
    ns = run_cell("rnn", "code-25", CaptioningRNN=solutions.CaptioningRNN)
    history = ns["small_rnn_solver"].loss_history
    assert 25 < history[0] < 35 and history[-1] < 0.1  # "near 30", "below 0.1"
    data = ns["small_data"]
    V, counted = len(data["word_to_idx"]), (data["train_captions"][:, 1:] != 0).sum(1).mean()
    assert V == 30 and 8.5 < counted < 10  # "about nine counted words", "log 30"
    assert "about nine counted words per caption" in markdown("rnn", "md-24")


def test_float64_underflow_threshold():
    assert np.exp(-744.0) > 0 and np.exp(-746.0) == 0
    tiny = np.nextafter(0.0, 1.0)
    assert tiny == 2.0**-1074 and abs(np.log(tiny) + 744.4) < 0.05  # 4.94e-324
    assert np.finfo(np.float64).tiny == pytest.approx(2.2e-308, rel=0.02)
    for page in (ROOT / "book/derivations/softmax.md").read_text(), markdown("softmax", "md-07"):
        assert "5\\times10^{-324}" in page and "10^{-308}$ underflows" not in page


def test_rel_error_middle_band_comes_from_tiny_entries():
    np.random.seed(231)  # noqa: NPY002  (the notebook's CS231n check)
    N, D, T, H = 2, 3, 10, 6
    x, h0 = np.random.randn(N, T, D), np.random.randn(N, H)  # noqa: NPY002
    Wx, Wh = np.random.randn(D, 4 * H), np.random.randn(H, 4 * H)  # noqa: NPY002
    b = np.random.randn(4 * H)  # noqa: NPY002
    out, cache = solutions.lstm_forward(x, h0, Wx, Wh, b)
    dout = np.random.randn(*out.shape)  # noqa: NPY002
    dWh = solutions.lstm_backward(dout, cache)[3]
    f = lambda _: solutions.lstm_forward(x, h0, Wx, Wh, b)[0]  # noqa: E731
    num = gradcheck.eval_numerical_gradient_array(f, Wh, dout)
    err = gradcheck.rel_error(dWh, num)
    ix, got, _, _ = checks.worst_entry(dWh, num)
    assert 1e-7 < err < 1e-5  # "a correct lstm_backward gets a dWh error of about 1e-6"
    assert abs(got) < 1e-4 and np.abs(dWh - num).max() < 1e-9  # a tiny entry, tiny abs error
    assert "$10^{-7}$ to $10^{-4}$" in markdown("gradcheck", "md-02")


def test_rel_error_docstring_and_book_agree_on_shapes():
    doc = solutions.rel_error.__wrapped__.__doc__
    assert "broadcastable" not in doc and "raises instead" in doc
    with pytest.raises(ValueError, match="shapes differ"):
        gradcheck.rel_error(np.ones((3, 1)), np.ones((1, 3)))


def test_sequence_docstrings_leave_the_cache_layout_to_the_student():
    for name in ("rnn_forward", "rnn_backward", "lstm_forward", "lstm_backward"):
        doc = getattr(solutions, name).__wrapped__.__doc__
        assert "cache : object" in doc and "cache : tuple" not in doc, name
    assert "The cache is yours" in markdown("rnn", "md-15")


def test_one_indexing_convention_and_one_cell_gradient_notation():
    texts = {p: (ROOT / "book/derivations" / p).read_text() for p in ("rnn.md", "lstm.md")}
    texts["rnn.ipynb"] = markdown("rnn", "md-15")
    texts["lstm.ipynb"] = markdown("lstm", "md-18")
    for name, text in texts.items():
        assert "for t = T, ..., 1" not in text, name
    assert "array position `t` holds step" in texts["rnn.md"]
    assert "`dh[:, t-1]`" in texts["rnn.ipynb"] and "`h[:, t]` is\n$h_{t+1}$" in texts["rnn.ipynb"]
    for name in ("lstm.md", "lstm.ipynb"):
        assert r"\mathrm{d}c_t^{\text{total}}" in texts[name]
        assert r"\mathrm{d}c_t^{\text{next}}" in texts[name]
    soft = (ROOT / "book/derivations/softmax.md").read_text() + markdown("softmax", "md-14")
    assert soft.count("**rows**") == 2 and "s s^\\top$:" not in soft
    temporal = (ROOT / "book/derivations/temporal_loss.md").read_text()
    assert "word vectors of size\n$D$" in temporal and "$W$ ($D$ for inputs" not in temporal


# -- additions ----------------------------------------------------------------------------------
def test_exploding_gradients_cell():
    ns = run_cell("rnn", "code-explode")
    ratios = {s: (lambda n: n[0] / n[-1])(ns["grad_norms_through_time"](s * ns["Wh_init"]))
              for s in (0.5, 1.0, 2.0, 3.0)}  # fmt: skip
    assert ratios[0.5] < ratios[1.0] < 1e-3 < 1 < ratios[2.0] < ratios[3.0]
    assert ratios[3.0] > 1e3  # "larger, by factors that grow exponentially"


def test_clipping_cell_rescues_sgd():
    small = captions.load_captioning_data(max_train=50)
    ns = run_cell("rnn", "code-clip-train", CaptioningRNN=solutions.CaptioningRNN, small_data=small)
    plain, clipped = ns["clip_runs"].values()
    assert plain.loss_history[-1] > plain.loss_history[0] > clipped.loss_history[-1]
    norms = np.array(plain.grad_norm_history)
    assert norms.max() > 100 * np.median(norms)  # "hundreds or thousands of times longer"
    assert plain.loss_history[0] == clipped.loss_history[0]  # same start: equal settings


@pytest.mark.slow
def test_captions_beat_the_image_blind_captioners():
    """rnn.ipynb code-30 + code-bleu and lstm.ipynb code-more-data, with the references."""
    from workbook.metrics import caption_report

    no_plot = {"show_captions": lambda *a, **k: None}
    rnn = run_cell("rnn", "code-30", CaptioningRNN=solutions.CaptioningRNN, **no_plot)
    lstm = run_cell("lstm", "code-more-data", Config=Config, train_models=train_models, **no_plot)
    assert "caption_report(rnn_model, data" in cell("rnn", "code-bleu")
    for model, data in ((rnn["rnn_model"], rnn["data"]), (lstm["lstm_model"], lstm["data"])):
        table = caption_report(model, data, split="val")
        ours = table.pop("your model")
        for name, blind in table.items():
            assert ours["BLEU-1"] > blind["BLEU-1"], name
            assert ours["colour words right"] > blind["colour words right"] + 0.1, name


def test_float32_gradient_check_fails_a_correct_gradient(capsys):
    ns = run_cell("softmax", "code-float32")
    out = capsys.readouterr().out
    worst = dict(re.findall(r"worst relative error in (\w+): (\S+)", out))
    assert 1e-3 < float(worst["float32"]) < 1e-1 and float(worst["float64"]) < 1e-8, worst
    assert ns["W_check"].dtype == np.float64  # the float32 copy is made inside the cell


def test_ogrid_cell_agrees_with_the_double_loop(capsys):
    run_cell("temporal_loss", "code-indexing")
    out = capsys.readouterr().out
    assert out.count("equal to the double loop: True") == 3


def test_locate_probes_pass_on_the_reference_and_name_the_broken_part(capsys):
    locate.softmax_dscores(solutions.softmax_loss_vectorized)
    locate.softmax_dscores(solutions.softmax_loss_naive)
    locate.lstm_step(solutions.lstm_step_forward, solutions.lstm_step_backward)
    locate.bptt(solutions.rnn_forward, solutions.rnn_backward)
    locate.bptt(solutions.lstm_forward, solutions.lstm_backward, gates=4)
    assert capsys.readouterr().out.count("every intermediate agrees") == 5
    half_reg = build_function(
        "softmax_loss_vectorized", [Rhs("dW", "dreg_loss * reg * W")]
    )  # inline question 2 of the softmax notebook
    with pytest.raises(AssertionError, match="regulariser's part$"):
        locate.softmax_dscores(half_reg)
    line = [ln for ln in capsys.readouterr().out.splitlines() if "regulariser" in ln][0]
    got, expected = map(float, re.findall(r"got (\S+), expected (\S+)", line)[0])
    assert got == pytest.approx(expected / 2, rel=1e-6)
    with pytest.raises(AssertionError) as e:
        locate.lstm_step(
            solutions.lstm_step_forward,
            build_mutant(find("lstm_step_backward.no_path_from_h_to_c")),
        )
    wrong = str(e.value)
    assert "dnext_c only" not in wrong and "(o)" not in wrong and "dc_total" in wrong
    with pytest.raises(AssertionError) as e:
        locate.bptt(solutions.rnn_forward, build_mutant(find("rnn_backward.dprev_h_not_carried")))
    assert "step 4" not in str(e.value) and "step 1" in str(e.value)


def test_workbook_holds_no_graded_reference():
    """workbook/ ships to students: no function body of a graded reference may be in it."""
    import inspect

    shipped = "\n".join(p.read_text() for p in (ROOT / "workbook").rglob("*.py"))
    for name in ("clip_grad_norm", "logsumexp", "lstm_step_backward", "softmax_loss_vectorized"):
        fn = inspect.unwrap(getattr(solutions, name))
        body = inspect.getsource(fn).split('"""')[-1]
        lines = [ln.strip() for ln in body.splitlines() if len(ln.strip()) > 20]
        assert lines and not [ln for ln in lines if ln in shipped], name
    assert "import solutions" not in shipped and "from solutions" not in shipped


def test_inline_questions_are_manually_graded_with_the_rubric_cleared_at_release():
    import nbformat
    from nbgrader.preprocessors import ClearSolutions

    total = 0
    for chapter in CHAPTERS:
        nb = notebook(chapter)
        questions = [
            c for c in nb["cells"]
            if c["cell_type"] == "markdown" and c["metadata"].get("nbgrader", {}).get("grade")
        ]  # fmt: skip
        assert len(questions) == 2, chapter  # book/instructor.md: "two ... 1 point each"
        for q in questions:
            meta, src = q["metadata"]["nbgrader"], "".join(q["source"])
            assert meta["solution"] and meta["points"] == 1 and not meta["locked"]
            assert "### BEGIN SOLUTION\n*Rubric" in src and src.endswith("### END SOLUTION")
            total += meta["points"]
        # the step of `nbgrader generate_assignment` that clears answers
        released, _ = ClearSolutions().preprocess(nbformat.reads(json.dumps(nb), 4), {})
        for c in released.cells:
            if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade"):
                assert c.source == "**Your answer:**\n\nYOUR ANSWER HERE"
    assert total == 2 * len(CHAPTERS)
    assert "two *inline questions*" in (ROOT / "book/instructor.md").read_text()
