"""RNN against LSTM with equal budgets: the recall task (50 steps) and the overfit captions.

The book and the notebooks train each comparison once, for a few seconds. This script runs
the same comparisons (:func:`workbook.experiments.train_models`, the reference
``CaptioningRNN``) over several seeds and a longer budget, all in one run, and writes the
section between ``<!-- recall:start -->`` and ``<!-- recall:end -->`` of
``docs/benchmarks.md``:

(a) recall (``workbook.data.recall``, T=50, 8 keys): vanilla RNN, LSTM with the default
    forget-gate bias 0, LSTM with forget-gate bias 3; H=32, word vectors 16, float64, Adam
    5e-3 without decay, batch 50, the same seed per model within a seed;
(b) overfit 50 captions (the lstm notebook's section 6): RNN and LSTM, H=256, word vectors
    128, float32, Adam 5e-3 decayed by 0.995 per epoch, 100 iterations.

::

    .venv/bin/python benchmarks/bench_recall.py                 # about 10 minutes
    .venv/bin/python benchmarks/bench_recall.py --quick         # 2 seeds, short; writes nothing
"""

import argparse
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
from workbook.data.captions import load_captioning_data  # noqa: E402
from workbook.data.recall import load_recall_data, recall_loss  # noqa: E402
from workbook.experiments import Config, train_models  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from report import cpu_model, write_block  # noqa: E402

START, END = "<!-- recall:start -->", "<!-- recall:end -->"
RECALL = {
    "vanilla RNN": Config("rnn"),
    "LSTM, forget bias 0": Config("lstm"),
    "LSTM, forget bias 3": Config("lstm", forget_bias=3.0),
}
CAPTIONS = {"RNN": Config("rnn"), "LSTM": Config("lstm")}


def recall_runs(seeds, epochs):
    data = load_recall_data(T=50)
    rows = {label: [] for label in RECALL}
    for seed in seeds:
        for label, config in RECALL.items():
            start = time.perf_counter()
            run = train_models(
                CaptioningRNN, data, {label: config}, epochs=epochs, evaluate=recall_loss,
                seed=seed, hidden_dim=32, wordvec_dim=16, update_rule="adam",
                optim_config={"learning_rate": 5e-3}, batch_size=50,
            )[label]  # fmt: skip
            seconds = time.perf_counter() - start
            solved = [it for it, value in run.evaluations if value < 0.1]
            rows[label].append((run.final, solved[0] if solved else None, seconds))
            print(f"recall seed {seed} {label}: {run.final:.3f} ({seconds:.0f} s)", flush=True)
    return rows, len(run.loss_history)


def caption_runs(seeds):
    data = load_captioning_data(max_train=50)
    rows = {label: [] for label in CAPTIONS}
    for seed in seeds:
        runs = train_models(
            CaptioningRNN, data, CAPTIONS, epochs=50, seed=seed, hidden_dim=256,
            wordvec_dim=128, dtype=np.float32, update_rule="adam",
            optim_config={"learning_rate": 5e-3}, lr_decay=0.995, batch_size=25,
        )  # fmt: skip
        for label, run in runs.items():
            rows[label].append(run.loss_history[-1])
        print(f"captions seed {seed}: " + ", ".join(f"{k} {v[-1]:.4f}" for k, v in rows.items()))
    return rows


def section(recall, iterations, captions, seeds, epochs, date, machine):
    lines = [
        START,
        "## RNN against LSTM with equal budgets (recall over 50 steps, overfit captions)",
        "",
        f"`benchmarks/bench_recall.py`, {date}, {machine}; one BLAS thread, all runs in one "
        "process. The same `workbook.experiments.train_models` as the book's figures and the "
        "lstm notebook, with the reference `CaptioningRNN`; within a seed every model starts "
        "from `np.random.seed(seed)` and sees the same minibatches.",
        "",
        f"**(a) Recall after 50 steps** (`workbook.data.recall`, 8 keys, chance = log 8 = "
        f"{np.log(8):.3f}): H=32, word vectors 16, float64, Adam 5e-3, no decay, batch 50, "
        f"{epochs} epochs = {iterations} iterations, seeds {seeds[0]}..{seeds[-1]}. Validation "
        "recall loss at the end; *solved*: the seeds whose loss went below 0.1, and the "
        "iteration where it first did (median over those seeds).",
        "",
        "| model | mean | median | min | max | solved | iterations to 0.1 | time per run |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, rows in recall.items():
        finals = np.array([r[0] for r in rows])
        hits = [r[1] for r in rows if r[1] is not None]
        to_solve = f"{int(np.median(hits))}" if hits else "-"
        secs = np.median([r[2] for r in rows])
        lines.append(
            f"| {label} | {finals.mean():.3f} | {np.median(finals):.3f} | {finals.min():.3f} "
            f"| {finals.max():.3f} | {len(hits)}/{len(rows)} | {to_solve} | {secs:.0f} s |"
        )
    lstm3 = np.array([r[0] for r in recall["LSTM, forget bias 3"]])
    rnn = np.array([r[0] for r in recall["vanilla RNN"]])
    cost = np.median([r[2] for r in recall["LSTM, forget bias 3"]])
    cost /= np.median([r[2] for r in recall["vanilla RNN"]])
    lines += [
        "",
        f"The LSTM with forget bias 3 ends below the vanilla RNN in {(lstm3 < rnn).sum()} of "
        f"{len(rnn)} seeds. Times are indicative (shared machine); within this run the LSTM "
        f"costs {cost:.1f}x the RNN's time for the same iterations.",
        "",
        "**(b) Overfit 50 captions** (the lstm notebook's section 6: H=256, word vectors 128, "
        "float32, Adam 5e-3 decayed by 0.995 per epoch for both, batch 25, 100 iterations): "
        "final training loss.",
        "",
        "| cell | " + " | ".join(f"seed {s}" for s in seeds[: len(captions["RNN"])]) + " | mean |",
        "| --- | " + " | ".join("---:" for _ in captions["RNN"]) + " | ---: |",
    ]
    for label, finals in captions.items():
        cells = " | ".join(f"{v:.4f}" for v in finals)
        lines.append(f"| {label} | {cells} | {np.mean(finals):.4f} |")
    ahead = sum(r <= lstm for r, lstm in zip(captions["RNN"], captions["LSTM"], strict=True))
    lines += [
        "",
        f"On these captions the RNN ends at or below the LSTM in {ahead} of "
        f"{len(captions['RNN'])} seeds: short captions need no long memory.",
        END,
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=15, help="epochs of the recall runs")
    parser.add_argument("--quick", action="store_true", help="2 seeds, 2 epochs, write nothing")
    args = parser.parse_args(argv)
    seeds = list(range(2 if args.quick else args.seeds))
    epochs = 2 if args.quick else args.epochs
    with threadpool_limits(1):
        recall, iterations = recall_runs(seeds, epochs)
        captions = caption_runs(seeds[:3])
    machine = (
        f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}"
    )
    text = section(
        recall, iterations, captions, seeds, epochs, datetime.date.today().isoformat(), machine
    )
    print(text)
    if not args.quick:
        write_block(text, START, END)


if __name__ == "__main__":
    main()
