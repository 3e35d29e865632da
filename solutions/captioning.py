# ruff: noqa: NPY002  (initialisation draws from the global RNG, in CS231n's order)
"""CaptioningRNN: an image-captioning model with a vanilla RNN or an LSTM (CS231n ``rnn.py``).

The image features (N, F) are projected to the initial hidden state; the caption words
are embedded and fed to the recurrent network one per time step; at every step an affine
layer scores the next word over the vocabulary (V words). The layers are called through
the module-level names imported below, so each can be swapped for another implementation.
"""

import numpy as np

from solutions._validate import Int, validated
from solutions.embedding import word_embedding_backward, word_embedding_forward
from solutions.layers import affine_backward, affine_forward
from solutions.lstm import lstm_backward, lstm_forward, lstm_step_forward
from solutions.rnn import rnn_backward, rnn_forward, rnn_step_forward
from solutions.temporal import (
    temporal_affine_backward,
    temporal_affine_forward,
    temporal_softmax_loss,
)


class CaptioningRNN:
    """Caption images with a recurrent network; no regularization.

    Parameters
    ----------
    word_to_idx : dict
        Vocabulary, word -> index in ``[0, V)``. Must contain ``'<NULL>'``;
        ``'<START>'`` and ``'<END>'`` are looked up when present.
    input_dim : int
        Dimension F of the image features.
    wordvec_dim : int
        Dimension D of the word vectors (the recurrent layer's input size).
    hidden_dim : int
        Dimension H of the hidden state.
    cell_type : {'rnn', 'lstm'}
    dtype : numpy dtype
        Of every parameter; float32 for training, float64 for gradient checks.

    Notes
    -----
    As in CS231n, the weights are drawn from the *global* RNG (``np.random.randn``) in the
    order W_embed, W_proj, Wx, Wh, W_vocab, so ``np.random.seed(231)`` reproduces the
    notebooks' gradient checks.

    Attributes
    ----------
    params : dict
        ``W_embed`` (V, D), ``W_proj`` (F, H), ``b_proj`` (H,), ``Wx`` (D, kH), ``Wh`` (H, kH),
        ``b`` (kH,), ``W_vocab`` (H, V), ``b_vocab`` (V,) with k = 1 (rnn) or 4 (lstm).
    """

    def __init__(
        self,
        word_to_idx,
        input_dim=512,
        wordvec_dim=128,
        hidden_dim=128,
        cell_type="rnn",
        dtype=np.float32,
    ):
        if cell_type not in {"rnn", "lstm"}:
            raise ValueError(f'Invalid cell_type "{cell_type}"')

        self.cell_type = cell_type
        self.dtype = dtype
        self.word_to_idx = word_to_idx
        self.idx_to_word = {i: w for w, i in word_to_idx.items()}
        self.params = {}

        vocab_size = len(word_to_idx)

        self._null = word_to_idx["<NULL>"]
        self._start = word_to_idx.get("<START>", None)
        self._end = word_to_idx.get("<END>", None)

        # Word vectors
        self.params["W_embed"] = np.random.randn(vocab_size, wordvec_dim) / 100

        # Projection from image features to the initial hidden state
        self.params["W_proj"] = np.random.randn(input_dim, hidden_dim) / np.sqrt(input_dim)
        self.params["b_proj"] = np.zeros(hidden_dim)

        # Recurrent weights (the LSTM has four gates: i, f, o, g)
        dim_mul = {"lstm": 4, "rnn": 1}[cell_type]
        self.params["Wx"] = np.random.randn(wordvec_dim, dim_mul * hidden_dim) / np.sqrt(
            wordvec_dim
        )
        self.params["Wh"] = np.random.randn(hidden_dim, dim_mul * hidden_dim) / np.sqrt(hidden_dim)
        self.params["b"] = np.zeros(dim_mul * hidden_dim)

        # Hidden state to vocabulary scores
        self.params["W_vocab"] = np.random.randn(hidden_dim, vocab_size) / np.sqrt(hidden_dim)
        self.params["b_vocab"] = np.zeros(vocab_size)

        for k, v in self.params.items():
            self.params[k] = v.astype(self.dtype)

    @validated(features=("N", "D"), captions=Int(("N", "T+1")))
    def loss(self, features, captions):
        """Training loss and gradients of the captioning model.

        The input word at time t is ``captions[:, t]`` and the target is
        ``captions[:, t + 1]``; targets equal to ``<NULL>`` are masked out of the loss.

        Parameters
        ----------
        features : (N, F) ndarray
            Image features.
        captions : (N, T+1) integer ndarray
            Ground-truth captions, each word in ``[0, V)``.

        Returns
        -------
        loss : float
            Temporal softmax loss, summed over time and averaged over the minibatch.
        grads : dict
            Gradient of ``loss`` with respect to every entry of ``self.params``
            (same keys and shapes; other entries are ignored and cost nothing).

        Notes
        -----
        Graded with your layer functions and, if that fails, with the reference layers of
        this cell type: a bug in a layer costs points once, in that layer, and the feedback
        names it as the cause.
        """
        W_proj, b_proj = self.params["W_proj"], self.params["b_proj"]
        W_embed = self.params["W_embed"]
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        W_vocab, b_vocab = self.params["W_vocab"], self.params["b_vocab"]

        captions_in = captions[:, :-1]  # (N, T) words fed to the network
        captions_out = captions[:, 1:]  # (N, T) words it should predict
        mask = captions_out != self._null  # (N, T)

        # Forward
        h0, cache_proj = affine_forward(features, W_proj, b_proj)  # (N, H)
        x, cache_embed = word_embedding_forward(captions_in, W_embed)  # (N, T, D)
        if self.cell_type == "rnn":
            h, cache_rnn = rnn_forward(x, h0, Wx, Wh, b)  # (N, T, H)
        else:
            h, cache_rnn = lstm_forward(x, h0, Wx, Wh, b)  # (N, T, H)
        scores, cache_vocab = temporal_affine_forward(h, W_vocab, b_vocab)  # (N, T, V)
        loss, dscores = temporal_softmax_loss(scores, captions_out, mask)

        # Backward, mirroring the forward line by line
        dh, dW_vocab, db_vocab = temporal_affine_backward(dscores, cache_vocab)
        if self.cell_type == "rnn":
            dx, dh0, dWx, dWh, db = rnn_backward(dh, cache_rnn)
        else:
            dx, dh0, dWx, dWh, db = lstm_backward(dh, cache_rnn)
        dW_embed = word_embedding_backward(dx, cache_embed)
        dfeatures, dW_proj, db_proj = affine_backward(dh0, cache_proj)

        grads = {
            "W_embed": dW_embed,
            "W_proj": dW_proj,
            "b_proj": db_proj,
            "Wx": dWx,
            "Wh": dWh,
            "b": db,
            "W_vocab": dW_vocab,
            "b_vocab": db_vocab,
        }
        return loss, grads

    @validated(features=("N", "D"))
    def sample(self, features, max_length=30):
        """Greedy captions for a minibatch of image features (test time).

        The first input word is ``<START>``; at every step the highest-scoring word is
        recorded and fed back as the next input. Captions are not stopped at ``<END>``.

        Parameters
        ----------
        features : (N, F) ndarray
            Image features.
        max_length : int
            Length T of the generated captions.

        Returns
        -------
        captions : (N, max_length) int32 ndarray
            Sampled word indices; column 0 holds the first sampled word, not ``<START>``
            (a ``<START>`` kept in column 0 is named in the feedback and costs the points).
            Any integer dtype is accepted.

        Notes
        -----
        The current words may be passed to ``word_embedding_forward`` as an ``(N,)`` array
        and the LSTM's first cell state as ``0``; graded with your layers and, if that
        fails, with the reference ones.
        """
        W_proj, b_proj = self.params["W_proj"], self.params["b_proj"]
        W_embed = self.params["W_embed"]
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        W_vocab, b_vocab = self.params["W_vocab"], self.params["b_vocab"]

        N = features.shape[0]
        captions = np.full((N, max_length), self._null, dtype=np.int32)

        h, _ = affine_forward(features, W_proj, b_proj)  # (N, H)
        c = np.zeros_like(h)  # (N, H) LSTM cell state
        word = np.full(N, self._start, dtype=np.int32)  # (N,)
        for t in range(max_length):
            x = W_embed[word]  # (N, W)
            if self.cell_type == "rnn":
                h, _ = rnn_step_forward(x, h, Wx, Wh, b)  # (N, H)
            else:
                h, c, _ = lstm_step_forward(x, h, c, Wx, Wh, b)  # (N, H), (N, H)
            scores, _ = affine_forward(h, W_vocab, b_vocab)  # (N, V)
            word = np.argmax(scores, axis=1)  # (N,)
            captions[:, t] = word
        return captions
