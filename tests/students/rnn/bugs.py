# ruff: noqa: E501 - patches quote whole lines of student code
"""Wrong answers of the rnn chapter. Composite bugs (``rnn_backward``, ``rnn_forward``) are
made on styles whose composites pass today (loops, einsum, inplace), so that the failure is
the bug's; the captioning bugs are spread over every style."""

from students.styles import Bug

_EINSUM_STEP = """        prev = np.tanh(xw[:, t] + np.einsum("nk,kh->nh", prev, Wh))
        hs[:, t] = prev
"""
_EINSUM_PREACT = """        a = xw[:, t] + np.einsum("nk,kh->nh", prev, Wh)
        hs[:, t] = np.tanh(a)
        prev = a
"""
_INPLACE_SUMS = "        dWx += dWx_t\n        dWh += dWh_t\n        db += db_t\n"
_INPLACE_LAST = "        dWx = dWx_t\n        dWh = dWh_t\n        db = db_t\n"

BUGS = [
    # rnn_step_forward
    Bug(
        "rnn_step_forward.Wh_transposed",
        "rnn_step_forward",
        "einsum",
        patch=[('np.einsum("nk,kh->nh", prev_h, Wh)', 'np.einsum("nk,hk->nh", prev_h, Wh)')],
    ),
    Bug(
        "rnn_step_forward.no_bias",
        "rnn_step_forward",
        "loops",
        patch=[("np.tanh(x @ Wx + prev_h @ Wh + b)", "np.tanh(x @ Wx + prev_h @ Wh)")],
    ),
    # rnn_step_backward
    Bug(
        "rnn_step_backward.tanh_grad_of_preactivation",
        "rnn_step_backward",
        "loops",
        cell="rnn_step_backward",
        patch=[
            ("x, prev_h, Wx, Wh, next_h = cache", "x, prev_h, Wx, Wh, next_h, a = cache"),
            ("da = dnext_h * (1.0 - next_h * next_h)", "da = dnext_h * (1.0 - a * a)"),
        ],
        also=(
            (
                "rnn_step_forward",
                (
                    (
                        "    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)\n",
                        "    a = x @ Wx + prev_h @ Wh + b\n    next_h = np.tanh(a)\n",
                    ),
                    ("(x, prev_h, Wx, Wh, next_h)", "(x, prev_h, Wx, Wh, next_h, a)"),
                ),
            ),
        ),
        about="the pre-activation kept in the cache and differentiated as 1 - a**2",
    ),
    Bug(
        "rnn_step_backward.no_tanh_grad",
        "rnn_step_backward",
        "dict_caches",
        patch=[('da = dnext_h * (1 - np.square(cache["next_h"]))', "da = dnext_h")],
    ),
    Bug(
        "rnn_step_backward.dx_with_Wh",
        "rnn_step_backward",
        "loops",
        patch=[("return da @ Wx.T, da @ Wh.T", "return da @ Wh.T, da @ Wh.T")],
    ),
    Bug(
        "rnn_step_backward.dprev_h_Wh_not_transposed",
        "rnn_step_backward",
        "einsum",
        patch=[
            ('dprev_h = np.einsum("nh,kh->nk", da, Wh)', 'dprev_h = np.einsum("nh,hk->nk", da, Wh)')
        ],
    ),
    Bug(
        "rnn_step_backward.dWh_from_next_h",
        "rnn_step_backward",
        "inplace",
        patch=[("prev_h.T.dot(da)", "next_h.T.dot(da)")],
    ),
    Bug(
        "rnn_step_backward.db_wrong_axis",
        "rnn_step_backward",
        "dict_caches",
        patch=[("db = np.sum(da, axis=0)", "db = np.sum(da, axis=1)")],
    ),
    Bug(
        "rnn_step_backward.convention_db_keepdims",
        "rnn_step_backward",
        "class_state",
        patch=[("da.sum(axis=0),", "da.sum(axis=0, keepdims=True),")],
        about="db of shape (1, H): right numbers, a bias shape of its own",
    ),
    # rnn_forward
    Bug(
        "rnn_forward.h_not_carried",
        "rnn_forward",
        "inplace",
        patch=[("h0 if t == 0 else h[:, t - 1]", "h0")],
    ),
    Bug(
        "rnn_forward.carries_preactivation",
        "rnn_forward",
        "einsum",
        patch=[(_EINSUM_STEP, _EINSUM_PREACT)],
    ),
    # rnn_backward
    Bug(
        "rnn_backward.dprev_h_not_carried",
        "rnn_backward",
        "loops",
        patch=[
            (
                "rnn_step_backward(dh[:, t] + carry, cache[t])",
                "rnn_step_backward(dh[:, t], cache[t])",
            )
        ],
    ),
    Bug(
        "rnn_backward.loop_runs_forward",
        "rnn_backward",
        "einsum",
        patch=[("for t in reversed(range(T)):", "for t in range(T):")],
    ),
    Bug(
        "rnn_backward.dprev_h_added_after_tanh_grad",
        "rnn_backward",
        "einsum",
        patch=[
            ("(dh[:, t] + carry) * (1 - hs[:, t] ** 2)", "dh[:, t] * (1 - hs[:, t] ** 2) + carry")
        ],
    ),
    Bug(
        "rnn_backward.tanh_applied_twice",
        "rnn_backward",
        "einsum",
        patch=[("(1 - hs[:, t] ** 2)", "(1 - np.tanh(hs[:, t]) ** 2)")],
    ),
    Bug(
        "rnn_backward.dWh_not_accumulated",
        "rnn_backward",
        "loops",
        patch=[("dWh = dWh + dWh_t", "dWh = dWh_t")],
    ),
    Bug(
        "rnn_backward.dWh_with_h_t",
        "rnn_backward",
        "einsum",
        patch=[("h_prev = np.concatenate([h0[:, None, :], hs[:, :-1, :]], axis=1)", "h_prev = hs")],
    ),
    Bug(
        "rnn_backward.dh0_missing",
        "rnn_backward",
        "loops",
        patch=[
            (
                "    return np.stack(dx_steps, axis=1), carry,",
                "    dh0 = np.zeros((N, H))\n    return np.stack(dx_steps, axis=1), dh0,",
            )
        ],
    ),
    Bug(
        "rnn_backward.dprev_h_Wh_not_transposed",
        "rnn_backward",
        "einsum",
        patch=[
            (
                'carry = np.einsum("nh,kh->nk", da[:, t], Wh)',
                'carry = np.einsum("nh,hk->nk", da[:, t], Wh)',
            )
        ],
    ),
    Bug(
        "rnn_backward.db_over_batch_only",
        "rnn_backward",
        "einsum",
        patch=[('db = np.einsum("nth->h", da)', 'db = np.einsum("nth->th", da)')],
    ),
    Bug(
        "rnn_backward.weight_grads_last_step_only",
        "rnn_backward",
        "inplace",
        patch=[(_INPLACE_SUMS, _INPLACE_LAST)],
        about="every weight gradient overwritten in the loop: the last step processed (t = 0) is left",
    ),
    # CaptioningRNN.loss
    Bug(
        "CaptioningRNN.loss.mask_inverted",
        "CaptioningRNN.loss",
        "dict_caches",
        patch=[("mask = c_out != self._null", "mask = c_out == self._null")],
    ),
    Bug(
        "CaptioningRNN.loss.no_mask",
        "CaptioningRNN.loss",
        "einsum",
        patch=[("mask = cout != self._null", "mask = np.ones_like(cout, dtype=bool)")],
    ),
    Bug(
        "CaptioningRNN.loss.mask_from_captions_in",
        "CaptioningRNN.loss",
        "class_state",
        patch=[("target != self._null", "captions[:, :-1] != self._null")],
    ),
    Bug(
        "CaptioningRNN.loss.targets_not_shifted",
        "CaptioningRNN.loss",
        "loops",
        patch=[
            (
                "inputs, targets = captions[:, :-1], captions[:, 1:]",
                "inputs, targets = captions[:, :-1], captions[:, :-1]",
            )
        ],
    ),
    Bug(
        "CaptioningRNN.loss.inputs_shifted",
        "CaptioningRNN.loss",
        "inplace",
        patch=[
            (
                "captions_in, captions_out = captions[:, :-1], captions[:, 1:]",
                "captions_in, captions_out = captions[:, 1:], captions[:, 1:]",
            )
        ],
    ),
    Bug(
        "CaptioningRNN.loss.no_projection_backward",
        "CaptioningRNN.loss",
        "inplace",
        patch=[
            (
                '        grads["W_proj"] += features.T.dot(dh0)\n        grads["b_proj"] += dh0.sum(axis=0)\n',
                "",
            )
        ],
    ),
    Bug(
        "CaptioningRNN.loss.h0_for_dh0_in_projection",
        "CaptioningRNN.loss",
        "cs231n",
        patch=[("affine_backward(dh0, cache_h0)", "affine_backward(h0, cache_h0)")],
    ),
    Bug(
        "CaptioningRNN.loss.features_ignored",
        "CaptioningRNN.loss",
        "dict_caches",
        patch=[
            (
                'h0, caches["proj"] = affine_forward(features, P["W_proj"], P["b_proj"])',
                'h0 = np.zeros((features.shape[0], P["Wh"].shape[0]))',
            ),
            (
                '_, grads["W_proj"], grads["b_proj"] = affine_backward(dh0, caches["proj"])',
                'grads["W_proj"], grads["b_proj"] = np.zeros_like(P["W_proj"]), np.zeros_like(P["b_proj"])',
            ),
        ],
    ),
    # CaptioningRNN.sample
    Bug(
        "CaptioningRNN.sample.word_not_fed_back",
        "CaptioningRNN.sample",
        "loops",
        patch=[
            (
                "word = scores.argmax(axis=1)\n            out[:, t] = word",
                "out[:, t] = scores.argmax(axis=1)",
            )
        ],
    ),
    Bug(
        "CaptioningRNN.sample.h0_not_projected",
        "CaptioningRNN.sample",
        "einsum",
        alias=("CaptioningRNN.sample.features_ignored",),
        patch=[
            (
                'h = np.einsum("nd,dh->nh", features, self.params["W_proj"]) + self.params["b_proj"]',
                'h = np.zeros((features.shape[0], self.params["Wh"].shape[0]))',
            )
        ],
    ),
    Bug(
        "CaptioningRNN.sample.records_input_word",
        "CaptioningRNN.sample",
        "class_state",
        patch=[("return np.array(words[1:]).T", "return np.array(words[:-1]).T")],
        about="<START> kept in column 0 (the input word of every step is recorded)",
    ),
    Bug(
        "CaptioningRNN.sample.max_score_fed_back",
        "CaptioningRNN.sample",
        "inplace",
        patch=[("word = captions[:, t]", "word = scores.max(axis=1).astype(int)")],
    ),
    Bug(
        "CaptioningRNN.sample.features_ignored",
        "CaptioningRNN.sample",
        "dict_caches",
        alias=("CaptioningRNN.sample.h0_not_projected",),
        patch=[
            (
                'h, _ = affine_forward(features, P["W_proj"], P["b_proj"])',
                'h = np.zeros((N, P["Wh"].shape[0]))',
            )
        ],
    ),
    # clip_grad_norm: student-style versions of the catalogue's two mistakes
    Bug(
        "clip_grad_norm.per_parameter",
        "clip_grad_norm",
        "loops",
        patch=[
            (
                "        clipped[name] = grads[name] * scale\n",
                "        own = np.sqrt(np.sum(grads[name] ** 2))\n"
                "        clipped[name] = grads[name] * (max_norm / own if own > max_norm else 1.0)\n",
            )
        ],
        about="each gradient clipped by its own norm in the dict loop; total_norm right",
    ),
    Bug(
        "clip_grad_norm.per_parameter",
        "clip_grad_norm",
        "einsum",
        patch=[
            (
                "return {k: coef * g for k, g in grads.items()}, total_norm",
                "return {k: g * min(1.0, max_norm / np.linalg.norm(g)) for k, g in grads.items()}, total_norm",
            )
        ],
        about="np.linalg.norm of each gradient in the comprehension; the flat norm reported",
    ),
    Bug(
        "clip_grad_norm.always_rescaled",
        "clip_grad_norm",
        "inplace",
        patch=[
            (
                "    if total_norm > max_norm:\n        for g in clipped.values():\n            g *= max_norm / total_norm\n",
                "    for g in clipped.values():\n        g *= max_norm / total_norm\n",
            )
        ],
        about="the copy is scaled in place whatever the norm: short gradients are stretched",
    ),
    Bug(
        "clip_grad_norm.always_rescaled",
        "clip_grad_norm",
        "cs231n",
        patch=[
            (
                "    if clip_coef < 1:\n        return {k: g * clip_coef for k, g in grads.items()}, total_norm\n    return {k: g.copy() for k, g in grads.items()}, total_norm\n",
                "    return {k: g * clip_coef for k, g in grads.items()}, total_norm\n",
            )
        ],
        about="PyTorch's coefficient without its clamp to 1",
    ),
    # Python 2 / numpy 1
    Bug(
        "python2.xrange",
        "rnn_forward",
        "loops",
        patch=[
            (
                "    for t in range(T):\n        state, c",
                "    for t in xrange(T):\n        state, c",
            )
        ],
    ),
    Bug(
        "python2.np_float",
        "rnn_backward",
        "einsum",
        patch=[("da = np.zeros_like(hs)", "da = np.zeros(hs.shape, dtype=np.float)")],
    ),
]
