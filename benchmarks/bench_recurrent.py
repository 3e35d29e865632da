"""Speed of the recurrent references against PyTorch CPU eager autograd.

One training step's heavy parts at CS231n's captioning size (N=25, T=16,
W=256, H=512, V=1004): recurrent layer forward, temporal affine, temporal
softmax loss, and their backward passes, for the vanilla RNN and the LSTM, in
float32 and float64. PyTorch runs the same math (input projection of all time
steps in one product, the recurrence in a Python loop, log-softmax
cross-entropy with the mask) with autograd, on the same number of threads as
numpy's BLAS. The two are timed interleaved (alternating blocks, see BLOCK and
PAUSE), so machine noise hits both alike; the ratio is the median of the
per-block ratios.

Also measures, in the same alternation, the machine's large-matmul speed
(2048 x 2048 @ 2048 x 2048 in the same dtype, numpy) and reports the fraction
of it that the reference achieves on the counted FLOPs (matrix products only:
2*m*k*n each).

Usage::

    .venv/bin/python benchmarks/bench_recurrent.py            # writes docs/benchmarks.md
    .venv/bin/python benchmarks/bench_recurrent.py --quick --no-write

On machines where OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set (a workaround
for old OpenBLAS builds), a current numpy runs a slower kernel; unset both for
the benchmark command alone to measure the default kernel:
``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python benchmarks/bench_recurrent.py``.
The BLAS kernel in use is printed and recorded.
"""

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from report import cpu_model, write_block  # noqa: E402

from solutions.lstm import lstm_backward, lstm_forward  # noqa: E402
from solutions.rnn import rnn_backward, rnn_forward  # noqa: E402
from solutions.temporal import (  # noqa: E402
    temporal_affine_backward,
    temporal_affine_forward,
    temporal_softmax_loss,
)

N, T, W, H, V = 25, 16, 256, 512, 1004
START, END = "<!-- recurrent:start -->", "<!-- recurrent:end -->"
# OpenBLAS and OpenMP worker threads busy-wait for a while after each call; on a
# 2-core machine one library's spinning threads halve the other's speed (measured:
# numpy 16 ms alone, 24 ms right after a torch step). So the two alternate in
# blocks of BLOCK steps with a PAUSE (s) before each block.
BLOCK, PAUSE = 3, 0.25


def make_inputs(cell, dtype, seed=0):
    rng = np.random.default_rng(seed)
    G = 4 if cell == "lstm" else 1
    p = {
        "x": rng.standard_normal((N, T, W)) * 0.1,
        "h0": rng.standard_normal((N, H)) * 0.1,
        "Wx": rng.standard_normal((W, G * H)) / np.sqrt(W),
        "Wh": rng.standard_normal((H, G * H)) / np.sqrt(H),
        "b": np.zeros(G * H),
        "W_vocab": rng.standard_normal((H, V)) / np.sqrt(H),
        "b_vocab": np.zeros(V),
    }
    p = {k: v.astype(dtype) for k, v in p.items()}
    y = rng.integers(V, size=(N, T))
    lengths = rng.integers(T // 2, T + 1, size=N)  # padded captions: mask the tail
    mask = np.arange(T)[None, :] < lengths[:, None]
    return p, y, mask


def numpy_step(cell, p, y, mask):
    forward, backward = (
        (lstm_forward, lstm_backward) if cell == "lstm" else (rnn_forward, rnn_backward)
    )
    h, cache = forward(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    scores, affine_cache = temporal_affine_forward(h, p["W_vocab"], p["b_vocab"])
    loss, dscores = temporal_softmax_loss(scores, y, mask)
    dh, dW_vocab, db_vocab = temporal_affine_backward(dscores, affine_cache)
    dx, dh0, dWx, dWh, db = backward(dh, cache)
    return loss, {"x": dx, "h0": dh0, "Wx": dWx, "Wh": dWh, "b": db, "W_vocab": dW_vocab}


def torch_step(torch, cell, tp, y, mask):
    """The same math in PyTorch eager mode; gradients by autograd."""
    for t in tp.values():
        t.grad = None
    x, h0, Wx, Wh, b = tp["x"], tp["h0"], tp["Wx"], tp["Wh"], tp["b"]
    xWx = (x.reshape(N * T, W) @ Wx).reshape(N, T, -1) + b
    prev_h, prev_c, hs = h0, torch.zeros_like(h0), []
    for t in range(T):
        a = xWx[:, t] + prev_h @ Wh
        if cell == "lstm":
            ifo = torch.sigmoid(a[:, : 3 * H])
            i, f, o = ifo[:, :H], ifo[:, H : 2 * H], ifo[:, 2 * H :]
            prev_c = f * prev_c + i * torch.tanh(a[:, 3 * H :])
            prev_h = o * torch.tanh(prev_c)
        else:
            prev_h = torch.tanh(a)
        hs.append(prev_h)
    h = torch.stack(hs, dim=1)
    scores = (h.reshape(N * T, H) @ tp["W_vocab"] + tp["b_vocab"]).reshape(N, T, V)
    logp = torch.log_softmax(scores, dim=2)
    loss = -(logp.gather(2, y[..., None])[..., 0] * mask).sum() / N
    loss.backward()
    return loss


def matmul_flops(cell):
    """FLOPs of the matrix products of one forward + backward (2*m*k*n each)."""
    G = 4 if cell == "lstm" else 1
    NT = N * T
    forward = 2 * NT * W * G * H + T * 2 * N * H * G * H + 2 * NT * H * V
    backward = (
        2 * NT * G * H * W  # dx
        + 2 * W * NT * G * H  # dWx
        + 2 * H * NT * G * H  # dWh
        + T * 2 * N * G * H * H  # dprev_h, in the time loop
        + 2 * NT * V * H  # dh from the vocabulary projection
        + 2 * H * NT * V  # dW_vocab
    )
    return forward + backward


def make_matmul(dtype):
    """One large matmul in ``dtype``: returns (run, flops)."""
    rng = np.random.default_rng(1)
    a, b = (rng.standard_normal((2048, 2048)).astype(dtype) for _ in range(2))
    return (lambda: a @ b), 2 * 2048**3


def bench_one(torch, cell, dtype, repeats, warmup=3):
    p, y, mask = make_inputs(cell, dtype)
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in p.items()}
    ty, tmask = torch.tensor(y), torch.tensor(mask, dtype=tp["x"].dtype)
    loss_np, grads = numpy_step(cell, p, y, mask)
    loss_t = torch_step(torch, cell, tp, ty, tmask)
    tol = 1e-3 if dtype == np.float32 else 1e-9
    assert abs(float(loss_np) - loss_t.item()) <= tol * abs(loss_t.item()), (loss_np, loss_t)
    for k, g in grads.items():
        ref = tp[k].grad.numpy()
        err = np.abs(g - ref).max() / np.abs(ref).max()
        assert err < tol * 10, (cell, dtype, k, err)
    for _ in range(warmup):
        numpy_step(cell, p, y, mask)
        torch_step(torch, cell, tp, ty, tmask)
    matmul, matmul_flop = make_matmul(dtype)
    matmul()
    steps = [
        lambda: numpy_step(cell, p, y, mask),
        lambda: torch_step(torch, cell, tp, ty, tmask),
        matmul,
    ]
    samples = {0: [], 1: [], 2: []}
    for r in range(repeats):
        for which in [0, 1, 2] if r % 2 == 0 else [1, 0, 2]:
            time.sleep(PAUSE)  # let the other library's BLAS/OpenMP threads stop spinning
            times = []
            for _ in range(BLOCK):
                t0 = time.perf_counter()
                steps[which]()
                times.append(time.perf_counter() - t0)
            samples[which].append(statistics.median(times))
    t_np, t_torch, t_mm = samples[0], samples[1], samples[2]
    flops = matmul_flops(cell)
    return {
        "numpy_ms": statistics.median(t_np) * 1e3,
        "torch_ms": statistics.median(t_torch) * 1e3,
        "ratio": statistics.median(a / b for a, b in zip(t_np, t_torch, strict=True)),
        "gflop": flops / 1e9,
        "gflops": flops / statistics.median(t_np) / 1e9,
        "matmul_gflops": matmul_flop / statistics.median(t_mm) / 1e9,
        # numpy's FLOP rate over the matmul rate measured next to it, per repeat
        "share": statistics.median(
            (flops / a) / (matmul_flop / m) for a, m in zip(t_np, t_mm, strict=True)
        ),
    }


def machine_info(threads):
    import threadpoolctl
    import torch

    cpu = cpu_model()
    blas = [
        f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture', '?')} kernel, "
        f"{i.get('num_threads')} threads)"
        for i in threadpoolctl.threadpool_info()
        if i.get("user_api") == "blas"
    ]
    torch_blas = next(
        (
            line.strip()
            for line in torch.__config__.parallel_info().splitlines()
            if "Math Kernel" in line
        ),
        "see torch.__config__.show()",
    )
    env = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ}
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "blas": "; ".join(blas) or "unknown",
        "torch_blas": torch_blas,
        "threads": threads,
        "env": ", ".join(f"{k}={v}" for k, v in env.items()) or "not set",
        "date": datetime.date.today().isoformat(),
    }


def render(info, rows):
    lines = [
        START,
        "## Recurrent layers: numpy reference vs PyTorch eager autograd",
        "",
        "`benchmarks/bench_recurrent.py`: one captioning training step's heavy parts at CS231n's",
        f"size (N={N}, T={T}, W={W}, H={H}, V={V}): recurrent forward, temporal affine, temporal",
        "softmax loss, and their backward passes. PyTorch runs the same math with autograd on the",
        f"same thread count; the two alternate in blocks of {BLOCK} steps, each block after a",
        f"{PAUSE} s pause so that neither library's spinning worker threads slow the other. Times",
        "are medians; the ratio is the median of per-block numpy/torch ratios (target: at most",
        '1.2). "Matmul share" is the counted matrix-product FLOPs per second over numpy\'s',
        "2048x2048 matmul speed in the same dtype, measured in the same alternation (per-repeat",
        "ratio, median; target: at least 50%).",
        "",
        "| cell | dtype | numpy ms | torch ms | numpy/torch | GFLOP counted | numpy GFLOP/s "
        "| matmul GFLOP/s | matmul share |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['cell']} | {r['dtype']} | {r['numpy_ms']:.1f} | {r['torch_ms']:.1f} "
            f"| {r['ratio']:.2f} | {r['gflop']:.2f} | {r['gflops']:.1f} "
            f"| {r['matmul_gflops']:.1f} | {r['share']:.0%} |"
        )
    lines += [
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores; {info['threads']} threads for both "
        f"libraries. Python {info['python']}, numpy {info['numpy']}, torch {info['torch']}.",
        f"numpy's BLAS: {info['blas']}; OPENBLAS_CORETYPE/L2_SIZE: {info['env']}. torch's BLAS:",
        f"{info['torch_blas']}. Date: {info['date']}. Counted FLOPs are those of the matrix",
        "products only (elementwise work, exp/tanh and the time-loop overhead are not counted).",
        "The machine is shared with other jobs, so absolute times are noisy; the interleaved",
        "ratio is the more reliable number.",
        END,
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=25)
    parser.add_argument("--quick", action="store_true", help="5 repeats")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/benchmarks.md")
    parser.add_argument("--cells", default="rnn,lstm")
    parser.add_argument("--dtypes", default="float32,float64")
    args = parser.parse_args(argv)
    repeats = 5 if args.quick else args.repeats

    import threadpoolctl
    import torch

    blas = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
    threads = blas[0]["num_threads"] if blas else os.cpu_count()
    torch.set_num_threads(threads)
    info = machine_info(threads)
    print(f"{info['cpu']} | {info['cores']} cores | threads {threads} | {info['blas']}")
    print(f"OPENBLAS_CORETYPE/L2_SIZE: {info['env']}")

    rows = []
    for dtype_name in args.dtypes.split(","):
        dtype = np.dtype(dtype_name).type
        for cell in args.cells.split(","):
            row = {"cell": cell, "dtype": dtype_name, **bench_one(torch, cell, dtype, repeats)}
            rows.append(row)
            print(
                f"{cell:4s} {dtype_name}: numpy {row['numpy_ms']:.1f} ms, torch "
                f"{row['torch_ms']:.1f} ms, ratio {row['ratio']:.2f}, {row['gflops']:.1f} GFLOP/s"
                f" = {row['share']:.0%} of matmul ({row['matmul_gflops']:.1f} GFLOP/s)"
            )
    text = render(info, rows)
    if not args.no_write:
        write_block(text, START, END, ROOT / "docs" / "benchmarks.md")
        print("wrote docs/benchmarks.md")
    return rows


if __name__ == "__main__":
    main()
