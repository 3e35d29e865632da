"""Known mistakes of the rnn chapter (format: :mod:`autograder.mistakes.base`).

``CaptioningRNN`` mistakes without a ``:lstm`` suffix are tried for both cell types.
"""

from autograder.mistakes.base import Mistake
from autograder.mistakes.edits import Drop, Insert, Rhs, Swap

_PROJ_GRADS = "dfeatures, dW_proj, db_proj"
_ONE_STEP = {  # weight gradients of one time step only: the first (t = 0) or the last
    "first": [
        Rhs("dWx", "x[:, 0].T @ da[:, 0]"),
        Rhs("dWh", "h0.T @ da[:, 0]"),
        Rhs("db", "da[:, 0].sum(axis=0)"),
    ],
    "last": [
        Rhs("dWx", "x[:, -1].T @ da[:, -1]"),
        Rhs("dWh", "prev_h.reshape(N, T, H)[:, -1].T @ da[:, -1]"),
        Rhs("db", "da[:, -1].sum(axis=0)"),
    ],
}

MISTAKES = [
    # rnn_step_forward
    Mistake(
        id="rnn_step_forward.Wh_transposed",
        function="rnn_step_forward",
        edits=[Swap("prev_h @ Wh", "prev_h @ Wh.T")],
        hint="prev_h is multiplied by the transpose of Wh; the recurrence uses Wh as it is",
    ),
    Mistake(
        id="rnn_step_forward.no_bias",
        function="rnn_step_forward",
        edits=[Swap("x @ Wx + prev_h @ Wh + b", "x @ Wx + prev_h @ Wh")],
        hint="the bias b is missing from the pre-activation",
    ),
    # rnn_step_backward
    Mistake(
        id="rnn_step_backward.tanh_grad_of_preactivation",
        function="rnn_step_backward",
        edits=[Swap("1 - next_h ** 2", "1 - np.arctanh(next_h) ** 2")],
        hint="the tanh derivative is built from the pre-activation instead of tanh's output",
    ),
    Mistake(
        id="rnn_step_backward.no_tanh_grad",
        function="rnn_step_backward",
        edits=[Swap("dnext_h * (1 - next_h ** 2)", "dnext_h")],
        hint="the tanh derivative is not applied to dnext_h",
    ),
    Mistake(
        id="rnn_step_backward.dx_with_Wh",
        function="rnn_step_backward",
        edits=[Swap("Wx", "Wh", within="dx")],
        hint="dx goes back through Wh, but x was multiplied by Wx",
    ),
    Mistake(
        id="rnn_step_backward.dprev_h_Wh_not_transposed",
        function="rnn_step_backward",
        edits=[Swap("Wh.T", "Wh", within="dprev_h")],
        hint="dprev_h goes back through Wh untransposed; a backward product needs the transpose",
    ),
    Mistake(
        id="rnn_step_backward.dWh_from_next_h",
        function="rnn_step_backward",
        edits=[Swap("prev_h", "next_h", within="dWh")],
        hint="dWh is built from next_h, but Wh multiplied prev_h",
    ),
    Mistake(
        id="rnn_step_backward.db_wrong_axis",
        function="rnn_step_backward",
        edits=[Swap("0", "1", within="db")],
        hint="db sums over the hidden units (axis 1) instead of over the batch",
    ),
    # rnn_forward
    Mistake(
        id="rnn_forward.h_not_carried",
        function="rnn_forward",
        edits=[Drop("prev_h = h[:, t]")],
        hint="prev_h is never updated, so every step starts from h0",
    ),
    Mistake(
        id="rnn_forward.carries_preactivation",
        function="rnn_forward",
        edits=[Swap("h[:, t]", "a", within="prev_h")],
        hint="the pre-activation is carried to the next step instead of the hidden state",
    ),
    # rnn_backward
    Mistake(
        id="rnn_backward.dprev_h_not_carried",
        function="rnn_backward",
        edits=[Swap("dh[:, t] + dprev_h", "dh[:, t]")],
        hint="the gradient from step t+1 (dprev_h) is not added to the upstream gradient of step t",
    ),
    Mistake(
        id="rnn_backward.loop_runs_forward",
        function="rnn_backward",
        edits=[Swap("reversed(range(T))", "range(T)")],
        hint="the time loop runs forward; backprop through time goes from the last step back",
    ),
    Mistake(
        id="rnn_backward.dprev_h_added_after_tanh_grad",
        function="rnn_backward",
        edits=[Swap("dnext_h * dtanh[:, t]", "dh[:, t] * dtanh[:, t] + dprev_h")],
        hint="dprev_h is added after the tanh derivative; it belongs to the gradient before it",
    ),
    Mistake(
        id="rnn_backward.tanh_applied_twice",
        function="rnn_backward",
        edits=[Swap("1 - h ** 2", "1 - np.tanh(h) ** 2")],
        hint="tanh' applies tanh to h again, but h is already tanh's output",
    ),
    Mistake(
        id="rnn_backward.dWh_not_accumulated",
        function="rnn_backward",
        edits=[Swap("prev_h.T @ da_flat", "h0.T @ da[:, 0]")],
        hint="dWh is overwritten at every step, not accumulated over time (only t = 0 is left)",
    ),
    Mistake(
        id="rnn_backward.weight_grads_last_step_only",
        function="rnn_backward",
        edits=_ONE_STEP["first"],
        variants=[_ONE_STEP["last"]],
        hint="dWx, dWh and db keep the contribution of one time step; they sum over all steps",
    ),
    Mistake(
        id="rnn_backward.dWh_with_h_t",
        function="rnn_backward",
        edits=[Rhs("prev_h", "h.reshape(N * T, H)")],
        hint="dWh pairs each step with its own hidden state; step t multiplied Wh by the previous",
    ),
    Mistake(
        id="rnn_backward.dh0_missing",
        function="rnn_backward",
        edits=[Rhs("dh0", "np.zeros_like(h0)")],
        hint="dh0 is left at zero; it is the gradient that comes out of step 0",
    ),
    Mistake(
        id="rnn_backward.dprev_h_Wh_not_transposed",
        function="rnn_backward",
        edits=[Swap("(Wh @ da[:, t].T).T", "da[:, t] @ Wh")],
        hint="in the time loop dprev_h goes back through Wh without its transpose",
    ),
    Mistake(
        id="rnn_backward.db_over_batch_only",
        function="rnn_backward",
        edits=[Swap("da_flat.sum(axis=0)", "da.sum(axis=0)")],
        hint="db sums da over the batch only; it must also be summed over the time steps",
    ),
    # CaptioningRNN.loss (both cell types)
    Mistake(
        id="CaptioningRNN.loss.mask_inverted",
        function="CaptioningRNN.loss",
        edits=[Swap("captions_out != self._null", "captions_out == self._null")],
        hint="the mask keeps the <NULL> padding and drops the real words",
    ),
    Mistake(
        id="CaptioningRNN.loss.no_mask",
        function="CaptioningRNN.loss",
        edits=[Rhs("mask", "np.ones(captions_out.shape, dtype=bool)")],
        hint="no mask: the <NULL> padding counts in the loss",
    ),
    Mistake(
        id="CaptioningRNN.loss.mask_from_captions_in",
        function="CaptioningRNN.loss",
        edits=[Swap("captions_out != self._null", "captions_in != self._null")],
        hint="the mask is computed from the input words; it must mask the target words",
    ),
    Mistake(
        id="CaptioningRNN.loss.targets_not_shifted",
        function="CaptioningRNN.loss",
        edits=[Rhs("captions_out", "captions[:, :-1]")],
        hint="the targets are the input words; the network must predict the next word",
    ),
    Mistake(
        id="CaptioningRNN.loss.inputs_shifted",
        function="CaptioningRNN.loss",
        edits=[Rhs("captions_in", "captions[:, 1:]")],
        hint="the inputs skip <START>; the network reads each caption from its first token",
    ),
    Mistake(
        id="CaptioningRNN.loss.no_projection_backward",
        function="CaptioningRNN.loss",
        edits=[Rhs(_PROJ_GRADS, "(None, np.zeros_like(W_proj), np.zeros_like(b_proj))")],
        hint="dh0 is not backpropagated through the projection of the features",
    ),
    Mistake(
        id="CaptioningRNN.loss.h0_for_dh0_in_projection",
        function="CaptioningRNN.loss",
        edits=[Swap("dh0", "h0", within=_PROJ_GRADS)],
        hint="the projection's backward gets h0 where it needs the gradient dh0",
    ),
    Mistake(
        id="CaptioningRNN.loss.features_ignored",
        function="CaptioningRNN.loss",
        edits=[
            Swap(
                "affine_forward(features, W_proj, b_proj)",
                "(np.zeros((features.shape[0], W_proj.shape[1])), None)",
            ),
            Rhs(_PROJ_GRADS, "(None, np.zeros_like(W_proj), np.zeros_like(b_proj))"),
        ],
        variants=[
            [
                Swap(
                    "affine_forward(features, W_proj, b_proj)",
                    "(np.zeros((features.shape[0], W_proj.shape[1])), (features, W_proj, b_proj))",
                )
            ]
        ],
        hint="the image features never reach the network: the initial hidden state ignores them",
    ),
    # CaptioningRNN.sample (both cell types)
    Mistake(
        id="CaptioningRNN.sample.word_not_fed_back",
        function="CaptioningRNN.sample",
        edits=[
            Swap("word", "np.argmax(scores, axis=1)", within="captions[:, t]"),
            Drop("word = np.argmax(scores, axis=1)"),
        ],
        hint="the sampled word is not fed back: every step gets <START> as its input",
    ),
    Mistake(
        id="CaptioningRNN.sample.max_score_fed_back",
        function="CaptioningRNN.sample",
        edits=[
            Swap("word", "np.argmax(scores, axis=1)", within="captions[:, t]"),
            Swap("np.argmax(scores, axis=1)", "np.max(scores, axis=1)", within="word"),
        ],
        variants=[
            [
                Swap("word", "np.argmax(scores, axis=1)", within="captions[:, t]"),
                Swap("np.argmax(scores, axis=1)", "np.max(scores, axis=1)", within="word"),
                Swap("W_embed[word]", "word_embedding_forward(word, W_embed)[0]"),
            ],
            [
                Swap("word", "np.argmax(scores, axis=1)", within="captions[:, t]"),
                Swap("np.argmax(scores, axis=1)", "np.max(scores, axis=1).astype(int)", "word"),
            ],
        ],
        hint="the highest score itself is fed back as the next word instead of its index",
    ),
    Mistake(
        id="CaptioningRNN.sample.features_ignored",
        function="CaptioningRNN.sample",
        edits=[
            Swap("affine_forward(features, W_proj, b_proj)", "(np.zeros((N, Wh.shape[0])), None)")
        ],
        hint="sampling starts from a hidden state that ignores the image features",
    ),
    Mistake(
        id="CaptioningRNN.sample.records_input_word",
        function="CaptioningRNN.sample",
        edits=[
            Drop("captions[:, t] = word"),
            Insert("x = W_embed[word]", "captions[:, t] = word", before=True),
        ],
        hint="the input word is recorded, so column 0 is <START>; record the sampled word",
    ),
]

# clip_grad_norm (teach, issue 14)
MISTAKES += [
    Mistake(
        id="clip_grad_norm.per_parameter",
        function="clip_grad_norm",
        edits=[
            Rhs(
                "clipped",
                "{name: g * min(1.0, max_norm / np.sqrt(np.sum(g * g)))"
                " for name, g in grads.items()}",
            )
        ],
        hint="each gradient is clipped by its own norm; clip by the norm of all of them together",
    ),
    Mistake(
        id="clip_grad_norm.always_rescaled",
        function="clip_grad_norm",
        edits=[Swap("min(1.0, max_norm / total_norm)", "max_norm / total_norm")],
        hint="gradients shorter than max_norm are scaled up too; only longer ones are shrunk",
    ),
]
