"""Known mistakes of the rnn chapter (format: :mod:`autograder.mistakes.base`).

``CaptioningRNN`` mistakes without a ``:lstm`` suffix are tried for both cell types.
"""

from autograder.mistakes.base import Mistake

MISTAKES = [
    # rnn_step_forward
    Mistake(
        id="rnn_step_forward.Wh_transposed",
        function="rnn_step_forward",
        patch=[("prev_h @ Wh + b", "prev_h @ Wh.T + b")],
        hint="prev_h is multiplied by Wh.T; the recurrence is prev_h @ Wh",
    ),
    Mistake(
        id="rnn_step_forward.no_bias",
        function="rnn_step_forward",
        patch=[("a = x @ Wx + prev_h @ Wh + b", "a = x @ Wx + prev_h @ Wh")],
        hint="the bias b is missing from the pre-activation",
    ),
    # rnn_step_backward
    Mistake(
        id="rnn_step_backward.tanh_grad_of_preactivation",
        function="rnn_step_backward",
        patch=[
            (
                "    da = dnext_h * (1 - next_h**2)",
                "    a = np.arctanh(next_h)  # the pre-activation, as a student's cache holds it\n"
                "    da = dnext_h * (1 - a**2)",
            )
        ],
        hint="tanh' written as 1 - a**2 with the pre-activation a; tanh'(a) = 1 - next_h**2",
    ),
    Mistake(
        id="rnn_step_backward.no_tanh_grad",
        function="rnn_step_backward",
        patch=[("da = dnext_h * (1 - next_h**2)", "da = dnext_h")],
        hint="the tanh derivative (1 - next_h**2) is not applied to dnext_h",
    ),
    Mistake(
        id="rnn_step_backward.dx_with_Wh",
        function="rnn_step_backward",
        patch=[("dx = da @ Wx.T", "dx = da @ Wh.T")],
        hint="dx is computed with Wh; x was multiplied by Wx, so dx = da @ Wx.T",
    ),
    Mistake(
        id="rnn_step_backward.dprev_h_Wh_not_transposed",
        function="rnn_step_backward",
        patch=[("dprev_h = da @ Wh.T", "dprev_h = da @ Wh")],
        hint="dprev_h = da @ Wh; the gradient goes back through the transpose, da @ Wh.T",
    ),
    Mistake(
        id="rnn_step_backward.dWh_from_next_h",
        function="rnn_step_backward",
        patch=[("dWh = prev_h.T @ da", "dWh = next_h.T @ da")],
        hint="dWh uses next_h; Wh multiplied prev_h, so dWh = prev_h.T @ da",
    ),
    Mistake(
        id="rnn_step_backward.db_wrong_axis",
        function="rnn_step_backward",
        patch=[("db = da.sum(axis=0)", "db = da.sum(axis=1)")],
        hint="db sums da over the hidden units (axis=1); sum over the batch, axis=0",
    ),
    # rnn_forward
    Mistake(
        id="rnn_forward.h_not_carried",
        function="rnn_forward",
        patch=[("        prev_h = h[:, t]\n", "")],
        hint="prev_h is never updated, so every step starts from h0",
    ),
    Mistake(
        id="rnn_forward.carries_preactivation",
        function="rnn_forward",
        patch=[("prev_h = h[:, t]", "prev_h = a")],
        hint="the pre-activation a is carried to the next step instead of h[:, t] = tanh(a)",
    ),
    # rnn_backward
    Mistake(
        id="rnn_backward.dprev_h_not_carried",
        function="rnn_backward",
        patch=[("dnext_h = dh[:, t] + dprev_h", "dnext_h = dh[:, t]")],
        hint="the gradient from step t+1 (dprev_h) is not added to dh[:, t]",
    ),
    Mistake(
        id="rnn_backward.loop_runs_forward",
        function="rnn_backward",
        patch=[("for t in reversed(range(T)):", "for t in range(T):")],
        hint="the time loop runs forward; backprop through time goes from t = T-1 down to 0",
    ),
    Mistake(
        id="rnn_backward.dprev_h_added_after_tanh_grad",
        function="rnn_backward",
        patch=[
            (
                "da[:, t] = dnext_h * dtanh[:, t]",
                "da[:, t] = dh[:, t] * dtanh[:, t] + dprev_h",
            )
        ],
        hint="dprev_h is added after the tanh derivative; add it to dh[:, t] before multiplying",
    ),
    Mistake(
        id="rnn_backward.tanh_applied_twice",
        function="rnn_backward",
        patch=[("dtanh = 1 - h**2", "dtanh = 1 - np.tanh(h) ** 2")],
        hint="tanh' computed as 1 - tanh(h)**2, but h is already tanh(a): use 1 - h**2",
    ),
    Mistake(
        id="rnn_backward.dWh_not_accumulated",
        function="rnn_backward",
        patch=[("dWh = prev_h.T @ da_flat", "dWh = h0.T @ da[:, 0]")],
        hint="dWh is overwritten at every step, not accumulated over time (only t = 0 is left)",
    ),
    Mistake(
        id="rnn_backward.dWh_with_h_t",
        function="rnn_backward",
        patch=[
            (
                "prev_h = np.concatenate((h0[:, None], h[:, :-1]), axis=1).reshape(N * T, H)",
                "prev_h = h.reshape(N * T, H)",
            )
        ],
        hint="dWh uses h[:, t]; step t multiplied Wh by h[:, t-1] (h0 at t = 0)",
    ),
    Mistake(
        id="rnn_backward.dh0_missing",
        function="rnn_backward",
        patch=[("dh0 = dprev_h", "dh0 = np.zeros_like(h0)")],
        hint="dh0 is left at zero; it is the dprev_h that comes out of step 0",
    ),
    Mistake(
        id="rnn_backward.dprev_h_Wh_not_transposed",
        function="rnn_backward",
        patch=[("dprev_h = (Wh @ da[:, t].T).T", "dprev_h = da[:, t] @ Wh")],
        hint="dprev_h = da[:, t] @ Wh; back through the recurrence it is da[:, t] @ Wh.T",
    ),
    Mistake(
        id="rnn_backward.db_over_batch_only",
        function="rnn_backward",
        patch=[("db = da_flat.sum(axis=0)", "db = da.sum(axis=0)")],
        hint="db sums da over the batch only; it must also be summed over the time steps",
    ),
    # CaptioningRNN.loss (both cell types)
    Mistake(
        id="CaptioningRNN.loss.mask_inverted",
        function="CaptioningRNN.loss",
        patch=[("mask = captions_out != self._null", "mask = captions_out == self._null")],
        hint="the mask keeps the <NULL> padding and drops the real words (== instead of !=)",
    ),
    Mistake(
        id="CaptioningRNN.loss.no_mask",
        function="CaptioningRNN.loss",
        patch=[
            (
                "mask = captions_out != self._null",
                "mask = np.ones(captions_out.shape, dtype=bool)",
            )
        ],
        hint="no mask: the <NULL> padding counts in the loss (mask = captions_out != <NULL>)",
    ),
    Mistake(
        id="CaptioningRNN.loss.mask_from_captions_in",
        function="CaptioningRNN.loss",
        patch=[("mask = captions_out != self._null", "mask = captions_in != self._null")],
        hint="the mask is computed from captions_in; it masks the targets, captions_out",
    ),
    Mistake(
        id="CaptioningRNN.loss.targets_not_shifted",
        function="CaptioningRNN.loss",
        patch=[("captions_out = captions[:, 1:]", "captions_out = captions[:, :-1]")],
        hint="the targets are the input words; captions_out is captions[:, 1:] (the next words)",
    ),
    Mistake(
        id="CaptioningRNN.loss.inputs_shifted",
        function="CaptioningRNN.loss",
        patch=[("captions_in = captions[:, :-1]", "captions_in = captions[:, 1:]")],
        hint="the inputs are captions[:, 1:]; the network reads captions[:, :-1] (from <START>)",
    ),
    Mistake(
        id="CaptioningRNN.loss.no_projection_backward",
        function="CaptioningRNN.loss",
        patch=[
            (
                "dfeatures, dW_proj, db_proj = affine_backward(dh0, cache_proj)",
                "dW_proj, db_proj = np.zeros_like(W_proj), np.zeros_like(b_proj)",
            )
        ],
        hint="dh0 is not backpropagated through the projection h0 = features @ W_proj + b_proj",
    ),
    # CaptioningRNN.sample (both cell types)
    Mistake(
        id="CaptioningRNN.sample.word_not_fed_back",
        function="CaptioningRNN.sample",
        patch=[
            (
                "        word = np.argmax(scores, axis=1)  # (N,)\n        captions[:, t] = word",
                "        captions[:, t] = np.argmax(scores, axis=1)",
            )
        ],
        hint="the sampled word is not fed back: every step gets <START> as its input",
    ),
    Mistake(
        id="CaptioningRNN.sample.h0_not_projected",
        function="CaptioningRNN.sample",
        patch=[
            (
                "h, _ = affine_forward(features, W_proj, b_proj)  # (N, H)",
                "h = np.zeros((N, Wh.shape[0]))",
            )
        ],
        hint="the initial hidden state is zero; it is the projected features, affine_forward(...)",
    ),
    Mistake(
        id="CaptioningRNN.sample.records_input_word",
        function="CaptioningRNN.sample",
        patch=[
            (
                "        word = np.argmax(scores, axis=1)  # (N,)\n        captions[:, t] = word",
                "        word = np.argmax(scores, axis=1)  # (N,)",
            ),
            (
                "        x = W_embed[word]  # (N, W)",
                "        captions[:, t] = word\n        x = W_embed[word]  # (N, W)",
            ),
        ],
        hint="the input word is recorded, so column 0 is <START>; record the sampled word",
    ),
]

# clip_grad_norm (teach, issue 14)
MISTAKES += [
    Mistake(
        id="clip_grad_norm.per_parameter",
        function="clip_grad_norm",
        patch=[
            (
                "clipped = {name: g * scale for name, g in grads.items()}",
                "clipped = {name: g * min(1.0, max_norm / np.sqrt(np.sum(g * g)))"
                " for name, g in grads.items()}",
            )
        ],
        hint="each gradient is clipped by its own norm; clip by the norm of all of them together",
    ),
    Mistake(
        id="clip_grad_norm.always_rescaled",
        function="clip_grad_norm",
        patch=[("scale = min(1.0, max_norm / total_norm)", "scale = max_norm / total_norm")],
        hint="gradients shorter than max_norm are scaled up too; only longer ones are shrunk",
    ),
]
