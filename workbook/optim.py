"""First-order update rules (CS231n ``optim.py``).

Every rule has the signature ``rule(w, dw, config=None) -> (next_w, config)``:

- ``w`` : ndarray, the current weights;
- ``dw`` : ndarray of the same shape, the gradient of the loss with respect to ``w``;
- ``config`` : dict of hyperparameters and state (moving averages), created with the
  defaults below when ``None``.

Unlike CS231n, ``w`` and the caller's ``config`` are never modified in place: the rule
returns new arrays and a new dict holding the updated state. Pass the returned
``config`` to the next call.
"""

import numpy as np


def _start(w, dw, config):
    """Convert ``w``/``dw`` to float arrays of the same shape and copy ``config``."""
    w, dw = np.asarray(w), np.asarray(dw)
    if w.dtype.kind != "f":
        w = w.astype(np.float64)
    if dw.shape != w.shape:
        raise ValueError(f"dw must have the shape of w {w.shape}, got {dw.shape}")
    return w, dw.astype(w.dtype, copy=False), {} if config is None else dict(config)


def sgd(w, dw, config=None):
    """Vanilla stochastic gradient descent: ``next_w = w - learning_rate * dw``.

    Parameters
    ----------
    w : ndarray
        Current weights.
    dw : ndarray, same shape as ``w``
        Gradient of the loss with respect to ``w``.
    config : dict, optional
        ``learning_rate`` (default 1e-2).

    Returns
    -------
    next_w : ndarray, same shape and dtype as ``w``
    config : dict
    """
    w, dw, config = _start(w, dw, config)
    config.setdefault("learning_rate", 1e-2)

    next_w = w - config["learning_rate"] * dw
    return next_w, config


def sgd_momentum(w, dw, config=None):
    """Stochastic gradient descent with momentum.

    ``v = momentum * v - learning_rate * dw``; ``next_w = w + v``.

    Parameters
    ----------
    w : ndarray
    dw : ndarray, same shape as ``w``
    config : dict, optional
        ``learning_rate`` (default 1e-2), ``momentum`` (default 0.9),
        ``velocity`` (ndarray like ``w``, default zeros).

    Returns
    -------
    next_w : ndarray, same shape and dtype as ``w``
    config : dict
        With the updated ``velocity``.
    """
    w, dw, config = _start(w, dw, config)
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))

    v = config["momentum"] * v - config["learning_rate"] * dw
    next_w = w + v

    config["velocity"] = v
    return next_w, config


def adam(w, dw, config=None):
    """Adam: moving averages of the gradient and its square, with bias correction.

    ``t += 1``; ``m = beta1 m + (1 - beta1) dw``; ``v = beta2 v + (1 - beta2) dw**2``;
    ``m_hat = m / (1 - beta1**t)``; ``v_hat = v / (1 - beta2**t)``;
    ``next_w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)``.

    Parameters
    ----------
    w : ndarray
    dw : ndarray, same shape as ``w``
    config : dict, optional
        ``learning_rate`` (default 1e-3), ``beta1`` (0.9), ``beta2`` (0.999),
        ``epsilon`` (1e-8), ``m`` and ``v`` (ndarrays like ``w``, default zeros),
        ``t`` (iteration number, default 0).

    Returns
    -------
    next_w : ndarray, same shape and dtype as ``w``
    config : dict
        With the updated ``m``, ``v`` and ``t``.
    """
    w, dw, config = _start(w, dw, config)
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)
    beta1, beta2 = config["beta1"], config["beta2"]

    t = config["t"] + 1
    m = beta1 * config["m"] + (1 - beta1) * dw
    v = beta2 * config["v"] + (1 - beta2) * dw**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    next_w = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])

    config["m"], config["v"], config["t"] = m, v, t
    return next_w, config
