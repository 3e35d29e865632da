"""The CS231n way: scores shifted by their max, then probabilities, then ``-np.log(p[y])``;
the naive version loops over examples and classes with ``num_train``/``num_classes``, the
vectorised one reuses ``probs`` in place for the gradient."""

import numpy as np


def softmax(f):
    f = f - np.max(f, axis=-1, keepdims=True)
    return np.exp(f) / np.sum(np.exp(f), axis=-1, keepdims=True)


def logsumexp(f):
    f_max = np.max(f, axis=-1, keepdims=True)
    return np.squeeze(f_max, axis=-1) + np.log(np.sum(np.exp(f - f_max), axis=-1))


def log_softmax(f):
    f = f - np.max(f, axis=-1, keepdims=True)
    return f - np.log(np.sum(np.exp(f), axis=-1, keepdims=True))


def nll(logp, y):
    return -np.sum(logp[np.arange(len(y)), y]) / len(y)


def softmax_loss_naive(W, X, y, reg):
    # Initialize the loss and gradient to zero.
    loss = 0.0
    dW = np.zeros_like(W)
    num_train = X.shape[0]
    num_classes = W.shape[1]
    for i in range(num_train):
        scores = X[i].dot(W)
        scores -= np.max(scores)  # numeric stability
        p = np.exp(scores) / np.sum(np.exp(scores))
        loss += -np.log(p[y[i]])
        for j in range(num_classes):
            if j == y[i]:
                dW[:, j] += (p[j] - 1) * X[i]
            else:
                dW[:, j] += p[j] * X[i]
    loss /= num_train
    dW /= num_train
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= np.max(scores, axis=1, keepdims=True)
    probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
    loss = -np.sum(np.log(probs[np.arange(num_train), y])) / num_train
    loss += reg * np.sum(W * W)
    dscores = probs
    dscores[np.arange(num_train), y] -= 1
    dW = X.T.dot(dscores) / num_train + 2 * reg * W
    return loss, dW
