"""Training that works: overfit 50 captions, then caption unseen images better than chance.

Two experiments on the generated shapes captioning set (``workbook.data.captions``):

(a) CS231n's overfit check: ``CaptioningRNN`` (W=256, H=512, float32) on 50 training
    captions, adam 5e-3, 50 epochs of batch 25 (100 iterations), lr decay 0.995 for both
    cells (CS231n's schedule). Target: final minibatch loss < 0.1.
(b) A longer LSTM run on the whole training split; greedy captions of the validation
    images are scored with BLEU-1 (clipped unigram precision x brevity penalty against
    the image's three reference captions, averaged over images) and with the fraction of
    colour / shape words that are right, against three baselines that do not look at the
    image: a random training caption, the most frequent training caption, and words drawn
    from the training unigram distribution.

Writes ``docs/figures/captioning_loss.png``, ``docs/figures/captioning_loss.csv``,
``docs/figures/captioning_samples.png`` and the section between
``<!-- training:start -->`` and ``<!-- training:end -->`` of ``docs/benchmarks.md``::

    .venv/bin/python benchmarks/train_captioning.py            # about 2-3 minutes
    .venv/bin/python benchmarks/train_captioning.py --quick    # smoke run, writes nothing
"""

import argparse
import csv
import datetime
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from solutions.captioning import CaptioningRNN  # noqa: E402
from workbook.data.captions import load_captioning_data, load_image  # noqa: E402
from workbook.metrics import blind_captions, references, scores, words_of  # noqa: E402
from workbook.solver import CaptioningSolver  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from report import cpu_model, write_block  # noqa: E402

START, END = "<!-- training:start -->", "<!-- training:end -->"
FIGURES = ROOT / "docs" / "figures"


def overfit(cell_type, data):
    np.random.seed(231)  # noqa: NPY002  (CaptioningRNN initialises from the global RNG)
    model = CaptioningRNN(
        data["word_to_idx"],
        input_dim=data["train_features"].shape[1],
        wordvec_dim=256,
        hidden_dim=512,
        cell_type=cell_type,
    )
    solver = CaptioningSolver(
        model,
        data,
        update_rule="adam",
        num_epochs=50,
        batch_size=25,
        optim_config={"learning_rate": 5e-3},
        lr_decay=0.995,  # CS231n's schedule, the same for both cells
        verbose=False,
    )
    start = time.perf_counter()
    solver.train()
    return solver, time.perf_counter() - start


def long_run(data, epochs, hidden_dim=256, wordvec_dim=128):
    np.random.seed(0)  # noqa: NPY002
    model = CaptioningRNN(
        data["word_to_idx"],
        input_dim=data["train_features"].shape[1],
        wordvec_dim=wordvec_dim,
        hidden_dim=hidden_dim,
        cell_type="lstm",
    )
    solver = CaptioningSolver(
        model,
        data,
        update_rule="adam",
        num_epochs=1,
        batch_size=100,
        optim_config={"learning_rate": 5e-3},
        lr_decay=0.9,
        verbose=False,
        seed=0,
    )
    val_loss, start = [], time.perf_counter()
    for _ in range(epochs):
        solver.train()  # one more epoch; the solver keeps its state between calls
        val_loss.append(
            float(model.loss(data["val_features"][data["val_image_idxs"]], data["val_captions"])[0])
        )
    return model, solver, val_loss, time.perf_counter() - start


def plot(runs, long_solver, val_loss, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for name, solver in runs.items():
        axes[0].plot(np.arange(1, len(solver.loss_history) + 1), solver.loss_history, label=name)
    axes[0].set(
        yscale="log", xlabel="iteration", ylabel="minibatch loss", title="(a) overfit 50 captions"
    )
    axes[0].axhline(0.1, color="gray", ls=":", lw=1)
    axes[0].legend()
    per_epoch = len(long_solver.loss_history) // len(val_loss)
    axes[1].plot(
        np.arange(1, len(long_solver.loss_history) + 1) / per_epoch,
        long_solver.loss_history,
        lw=0.6,
        label="train (minibatch)",
    )
    axes[1].plot(np.arange(1, len(val_loss) + 1), val_loss, "o-", label="validation")
    axes[1].set(xlabel="epoch", ylabel="loss", title="(b) LSTM on the full training split")
    axes[1].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_samples(data, model, path, n=8):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, n // 2, figsize=(2.6 * n // 2, 6))
    sampled = model.sample(data["val_features"][:n], max_length=16)
    for i, ax in enumerate(axes.flat):
        ax.imshow(load_image(data["val_urls"][i]), interpolation="nearest")
        words = words_of(np.concatenate([[1], sampled[i]]), data["idx_to_word"])
        text = " ".join(words)
        cut = len(text) // 2 + text[len(text) // 2 :].find(" ") if len(text) > 28 else -1
        ax.set_title(text if cut < 0 else text[:cut] + "\n" + text[cut + 1 :], fontsize=8)
        ax.axis("off")
    fig.suptitle("Greedy LSTM captions of validation images", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_csv(runs, long_solver, val_loss, path):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["run", "iteration", "train_loss", "val_loss"])
        for name, solver in runs.items():
            for i, loss in enumerate(solver.loss_history, 1):
                w.writerow([f"overfit-{name}", i, f"{loss:.6g}", ""])
        per_epoch = len(long_solver.loss_history) // len(val_loss)
        for i, loss in enumerate(long_solver.loss_history, 1):
            v = f"{val_loss[i // per_epoch - 1]:.6g}" if i % per_epoch == 0 else ""
            w.writerow(["long-lstm", i, f"{loss:.6g}", v])


def machine():
    cpu = cpu_model()
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}"
    )


def section(results):
    r = results
    lines = [
        START,
        "## Captioning training (generated shapes set)",
        "",
        f"`benchmarks/train_captioning.py`, {r['date']}, {r['machine']}; one BLAS thread "
        "(the machine is shared; wall times are indicative).",
        "",
        "**(a) Overfit 50 training captions** (CS231n's check: W=256, H=512, float32, adam 5e-3, "
        "50 epochs x batch 25 = 100 iterations, lr decay 0.995 for both, seed 231):",
        "",
        "| cell | first loss | final loss | target | time |",
        "| --- | ---: | ---: | --- | ---: |",
    ]
    for name, (first, last, secs) in r["overfit"].items():
        target = "< 0.1 " + ("met" if last < 0.1 else "**not met**")
        lines.append(f"| {name} | {first:.2f} | {last:.4f} | {target} | {secs:.1f} s |")
    lg = r["long"]
    lines += [
        "",
        f"**(b) LSTM on the full training split** ({lg['captions']} captions of "
        f"{lg['images']} images; W={lg['W']}, H={lg['H']}, adam 5e-3, lr decay 0.9, batch 100, "
        f"{lg['epochs']} epochs = {lg['iterations']} iterations, {lg['seconds']:.0f} s). "
        f"Validation loss (summed over time, per caption) {lg['val_loss'][0]:.2f} after epoch 1 "
        f"→ {lg['val_loss'][-1]:.2f} after epoch {lg['epochs']}. Greedy captions of the "
        f"{lg['val_images']} validation images, scored against their three reference captions:",
        "",
        "| captioner | BLEU-1 | colour words right | shape words right |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, m in r["scores"].items():
        lines.append(
            f"| {name} | {m['BLEU-1']:.3f} | {m['colour words right']:.3f} "
            f"| {m['shape words right']:.3f} |"
        )
    lines += [
        "",
        "BLEU-1: clipped unigram precision x brevity penalty against the three references, "
        "averaged over images. *Words right*: of the colour (shape) words a caption uses, the "
        "fraction that occur in the image's references. The baselines never look at the image.",
        "",
        "Curves: `docs/figures/captioning_loss.png` (data: `docs/figures/captioning_loss.csv`); "
        "sampled captions: `docs/figures/captioning_samples.png`.",
        "",
        "![captioning loss curves](figures/captioning_loss.png)",
        "",
        "![sampled captions](figures/captioning_samples.png)",
        END,
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=12, help="epochs of the long run")
    parser.add_argument("--quick", action="store_true", help="1 epoch, write nothing")
    args = parser.parse_args(argv)
    epochs = 1 if args.quick else args.epochs

    with threadpool_limits(1):
        small = load_captioning_data(max_train=50)
        runs, overfit_rows = {}, {}
        for cell in ("lstm", "rnn"):
            solver, secs = overfit(cell, small)
            runs[cell.upper()] = solver
            overfit_rows[cell.upper()] = (solver.loss_history[0], solver.loss_history[-1], secs)
            print(
                f"overfit {cell}: {solver.loss_history[0]:.2f} -> "
                f"{solver.loss_history[-1]:.4f} in {secs:.1f} s"
            )

        data = load_captioning_data()
        model, solver, val_loss, secs = long_run(data, epochs)
        print(
            f"long run: {len(solver.loss_history)} iterations in {secs:.0f} s, val loss {val_loss}"
        )
        refs = references(data, "val")
        sampled = model.sample(data["val_features"], max_length=16)
        candidates = [words_of(s, data["idx_to_word"]) for s in sampled]
        table = {"LSTM (greedy)": scores(candidates, refs)}
        table.update({k: scores(v, refs) for k, v in blind_captions(data, len(refs)).items()})
        for name, m in table.items():
            print(f"{name:32s} " + "  ".join(f"{k} {v:.3f}" for k, v in m.items()))

    if args.quick:
        return
    FIGURES.mkdir(parents=True, exist_ok=True)
    plot(runs, solver, val_loss, FIGURES / "captioning_loss.png")
    plot_samples(data, model, FIGURES / "captioning_samples.png")
    write_csv(runs, solver, val_loss, FIGURES / "captioning_loss.csv")
    results = {
        "date": datetime.date.today().isoformat(),
        "machine": machine(),
        "overfit": overfit_rows,
        "long": {
            "captions": len(data["train_captions"]),
            "images": len(data["train_features"]),
            "val_images": len(data["val_features"]),
            "W": 128,
            "H": 256,
            "epochs": epochs,
            "iterations": len(solver.loss_history),
            "seconds": secs,
            "val_loss": val_loss,
        },
        "scores": table,
    }
    write_block(section(results), START, END, ROOT / "docs" / "benchmarks.md")
    print("wrote docs/benchmarks.md and docs/figures/captioning_*")


if __name__ == "__main__":
    main()
