"""Checks of the temporal_loss chapter: lookups, shared affine maps, the masked sequence loss."""

import numpy as np

from students.verify import check
from students.verify.numeric import close, num_grad


def _words(rng):
    N, T, V, D = 3, 4, 5, 3
    x = rng.integers(0, V, size=(N, T))
    x[0, 0] = x[-1, -1] = x[1, 2]  # repeated words
    return x, rng.standard_normal((V, D))


@check("word_embedding_forward", "numeric")
def embedding_forward(ns, rng):
    x, W = _words(rng)
    out, _ = ns["word_embedding_forward"](x, W)
    want = np.array([[W[x[n, t]] for t in range(x.shape[1])] for n in range(x.shape[0])])
    close("out", out, want, 1e-15)


@check("word_embedding_backward", "numeric")
def embedding_backward(ns, rng):
    x, W = _words(rng)
    out, cache = ns["word_embedding_forward"](x, W)
    dout = rng.standard_normal(out.shape)
    want = num_grad(lambda w: ns["word_embedding_forward"](x, w)[0], W, dout)
    close("dW vs its own forward", ns["word_embedding_backward"](dout, cache), want, 1e-8)


@check("word_embedding_backward", "autograd")
def embedding_backward_torch(ns, rng):
    import torch

    x, W = _words(rng)
    w = torch.tensor(W, requires_grad=True)
    out = torch.nn.functional.embedding(torch.tensor(x), w)
    dout = rng.standard_normal(tuple(out.shape))
    out.backward(torch.tensor(dout))
    got_out, cache = ns["word_embedding_forward"](x, W)
    close("out vs torch", got_out, out.detach().numpy(), 1e-15)
    close("dW vs torch", ns["word_embedding_backward"](dout, cache), w.grad.numpy(), 1e-12)


def _affine(rng):
    N, T, D, M = 2, 3, 4, 5
    return rng.standard_normal((N, T, D)), rng.standard_normal((D, M)), rng.standard_normal(M)


@check("temporal_affine_forward", "numeric")
def affine_forward(ns, rng):
    x, w, b = _affine(rng)
    out, _ = ns["temporal_affine_forward"](x, w, b)
    close("out", out, np.stack([x[:, t] @ w + b for t in range(x.shape[1])], axis=1), 1e-12)


@check("temporal_affine_backward", "numeric")
def affine_backward(ns, rng):
    x, w, b = _affine(rng)
    fwd = ns["temporal_affine_forward"]
    out, cache = fwd(x, w, b)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = ns["temporal_affine_backward"](dout, cache)
    close("dx", dx, num_grad(lambda v: fwd(v, w, b)[0], x, dout), 1e-8)
    close("dw", dw, num_grad(lambda v: fwd(x, v, b)[0], w, dout), 1e-8)
    close("db", db, num_grad(lambda v: fwd(x, w, v)[0], b, dout), 1e-8)


@check("temporal_affine_backward", "autograd")
def affine_backward_torch(ns, rng):
    import torch

    x, w, b = _affine(rng)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    out = tx @ tw + tb
    dout = rng.standard_normal(tuple(out.shape))
    out.backward(torch.tensor(dout))
    got, cache = ns["temporal_affine_forward"](x, w, b)
    close("out vs torch", got, out.detach().numpy(), 1e-12)
    for label, g, t in zip(
        ("dx", "dw", "db"), ns["temporal_affine_backward"](dout, cache), (tx, tw, tb), strict=True
    ):
        close(f"{label} vs torch", g, t.grad.numpy(), 1e-12)


def _loss_inputs(rng, offset):
    N, T, V = 4, 5, 6
    x = offset + 2.0 * rng.standard_normal((N, T, V))  # large common offset, moderate spread
    y = rng.integers(0, V, size=(N, T))
    mask = rng.random((N, T)) < 0.6
    mask[0, 0], mask[-1, -1] = True, False
    return x, y, mask


def _loss_definition(x, y, mask):
    lse = np.logaddexp.reduce(x, axis=2)
    picked = np.take_along_axis(x, y[..., None], axis=2)[..., 0]
    return float(np.sum((lse - picked) * mask) / x.shape[0])


def _loss_check(fname):
    def numeric(ns, rng):
        for offset in (0.0, 1000.0):
            x, y, mask = _loss_inputs(rng, offset)
            loss, dx = ns[fname](x.copy(), y, mask)
            close(f"loss (offset {offset})", loss, _loss_definition(x, y, mask), 1e-9)
            f = lambda v, y=y, mask=mask: ns[fname](v, y, mask)[0]  # noqa: E731
            want = num_grad(f, x, h=1e-3 if offset else 1e-5)
            close(f"dx vs its own loss (offset {offset})", dx, want, 1e-6)
            assert np.all(dx[~mask] == 0), "dx at masked positions must be 0"

    def autograd(ns, rng):
        import torch

        for offset in (0.0, 1000.0):
            x, y, mask = _loss_inputs(rng, offset)
            N, T, V = x.shape
            tx = torch.tensor(x, requires_grad=True)
            per = torch.nn.functional.cross_entropy(
                tx.reshape(N * T, V), torch.tensor(y).reshape(-1), reduction="none"
            )
            loss = (per * torch.tensor(mask.reshape(-1), dtype=torch.float64)).sum() / N
            loss.backward()
            got_loss, got_dx = ns[fname](x.copy(), y, mask)
            close("loss vs torch", got_loss, loss.item(), 1e-9)
            close("dx vs torch", got_dx, tx.grad.numpy(), 1e-8)

    check(fname, "numeric")(numeric)
    check(fname, "autograd")(autograd)


_loss_check("temporal_softmax_loss_loop")
_loss_check("temporal_softmax_loss")
