"""Reference implementations of every function in the course (the oracle).

Pure numpy, no I/O. CS231n's argument order and return tuples::

    from solutions import lstm_backward
"""

from workbook.optim import adam, sgd, sgd_momentum
from workbook.solver import CaptioningSolver

from .captioning import CaptioningRNN
from .clipping import clip_grad_norm
from .embedding import word_embedding_backward, word_embedding_forward
from .gradcheck import (
    eval_numerical_gradient,
    eval_numerical_gradient_array,
    finite_difference_errors,
    rel_error,
)
from .layers import affine_backward, affine_forward, sigmoid
from .lstm import lstm_backward, lstm_forward, lstm_step_backward, lstm_step_forward
from .rnn import rnn_backward, rnn_forward, rnn_step_backward, rnn_step_forward
from .softmax import (
    log_softmax,
    logsumexp,
    nll,
    softmax,
    softmax_loss_naive,
    softmax_loss_vectorized,
)
from .temporal import (
    temporal_affine_backward,
    temporal_affine_forward,
    temporal_softmax_loss,
    temporal_softmax_loss_loop,
)

__all__ = [name for name in dir() if not name.startswith("_")]
