"""A real data set for the softmax chapter: scikit-learn's bundled 8x8 digits.

1797 images of handwritten digits 0-9, shipped inside scikit-learn (no
download). Features are standardized with the training split's statistics.
"""

import numpy as np


def load_digits_split(val_frac=0.2, seed=0, bias=True, dtype=np.float64):
    """Shuffle, split and standardize the digits; the same arrays for the same seed.

    Parameters
    ----------
    val_frac : float
        Fraction of the 1797 examples held out for validation, in ``(0, 1)``.
    seed : int
        Seed of the shuffle (a private ``numpy.random.Generator``).
    bias : bool
        Append a column of ones (CS231n's bias trick), so ``W`` holds the bias.
    dtype : numpy float dtype
        Dtype of the features.

    Returns
    -------
    X_train : (N_train, D) ndarray
        Standardized pixels; ``D = 65`` with ``bias`` (64 pixels + ones), else 64.
    y_train : (N_train,) int64 ndarray
        Labels in ``0..9``.
    X_val : (N_val, D) ndarray
        Standardized with the training mean and standard deviation.
    y_val : (N_val,) int64 ndarray
        ``N_val = round(val_frac * 1797)``; ``N_train = 1797 - N_val``.
    """
    from sklearn.datasets import load_digits

    if not 0 < val_frac < 1:
        raise ValueError(f"val_frac must lie in (0, 1), got {val_frac}")
    digits = load_digits()
    X, y = digits.data.astype(np.float64), digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    n_val = int(round(val_frac * len(y)))
    val, train = order[:n_val], order[n_val:]
    mean = X[train].mean(axis=0)
    std = X[train].std(axis=0)
    std[std == 0] = 1.0  # pixels that are always blank stay 0
    X = (X - mean) / std
    if bias:
        X = np.hstack([X, np.ones((len(y), 1))])
    X = X.astype(dtype)
    return X[train], y[train], X[val], y[val]
