# ruff: noqa: E501 - patches quote whole lines of student code
"""Wrong answers of the lstm chapter. ``lstm_backward`` bugs are made on the styles whose
``lstm_backward`` passes today (einsum, inplace); a few captioning bugs are repeated here
for the ``cell_type='lstm'`` variant."""

from students.styles import Bug

_EINSUM_GATES = """        c = gates[:, t, H : 2 * H] * c + gates[:, t, :H] * gates[:, t, 3 * H :]
        h = gates[:, t, 2 * H : 3 * H] * np.tanh(c)
"""
_EINSUM_IFGO = """        c = gates[:, t, H : 2 * H] * c + gates[:, t, :H] * gates[:, t, 2 * H : 3 * H]
        h = gates[:, t, 3 * H :] * np.tanh(c)
"""
_INPLACE_SUMS = "        dWx += dWx_t\n        dWh += dWh_t\n        db += db_t\n"
_INPLACE_LAST = "        dWx = dWx_t\n        dWh = dWh_t\n        db = db_t\n"
_DICT_IFO = (
    ('"i": dc * g * i * (1 - i)', '"i": dc * g * (1 - i**2)'),
    ('"f": dc * cache["prev_c"] * f * (1 - f)', '"f": dc * cache["prev_c"] * (1 - f**2)'),
    ('"o": dnext_h * tanh_c * o * (1 - o)', '"o": dnext_h * tanh_c * (1 - o**2)'),
)

BUGS = [
    # lstm_step_forward
    Bug(
        "lstm_step_forward.gate_order_ifgo",
        "lstm_step_forward",
        "loops",
        patch=[
            (
                "sigmoid(gates[2])\n    g = np.tanh(gates[3])",
                "sigmoid(gates[3])\n    g = np.tanh(gates[2])",
            ),
        ],
    ),
    Bug(
        "lstm_step_forward.g_sigmoid",
        "lstm_step_forward",
        "dict_caches",
        patch=[('"g": np.tanh(a_g)', '"g": sigmoid(a_g)')],
    ),
    Bug(
        "lstm_step_forward.i_f_swapped_in_cell",
        "lstm_step_forward",
        "einsum",
        patch=[
            (
                "ifo[:, H : 2 * H] * prev_c + ifo[:, :H] * g",
                "ifo[:, :H] * prev_c + ifo[:, H : 2 * H] * g",
            )
        ],
    ),
    Bug(
        "lstm_step_forward.no_tanh_of_cell",
        "lstm_step_forward",
        "own_sigmoid",
        patch=[("next_h = o * np.tanh(next_c)", "next_h = o * next_c")],
    ),
    # lstm_step_backward
    Bug(
        "lstm_step_backward.no_path_from_h_to_c",
        "lstm_step_backward",
        "inplace",
        patch=[("    dnext_c += dnext_h * o * (1 - tanh_c**2)\n", "")],
    ),
    Bug(
        "lstm_step_backward.no_o_in_path_to_c",
        "lstm_step_backward",
        "cs231n",
        patch=[
            (
                "dnext_c + dnext_h * o * (1 - np.tanh(next_c) ** 2)",
                "dnext_c + dnext_h * (1 - np.tanh(next_c) ** 2)",
            )
        ],
    ),
    Bug(
        "lstm_step_backward.dnext_c_ignored",
        "lstm_step_backward",
        "loops",
        patch=[("dc = dnext_c + dnext_h * o * (1 - tc * tc)", "dc = dnext_h * o * (1 - tc * tc)")],
    ),
    Bug(
        "lstm_step_backward.sigmoid_grad_as_tanh",
        "lstm_step_backward",
        "dict_caches",
        patch=_DICT_IFO,
    ),
    Bug(
        "lstm_step_backward.g_grad_as_sigmoid",
        "lstm_step_backward",
        "einsum",
        patch=[("o * (1 - o), 1 - g**2]", "o * (1 - o), g * (1 - g)]")],
    ),
    Bug(
        "lstm_step_backward.dprev_c_without_f",
        "lstm_step_backward",
        "own_sigmoid",
        patch=[("dc * s.f, s.x.T.dot(da)", "dc, s.x.T.dot(da)")],
    ),
    Bug(
        "lstm_step_backward.gate_grads_ifgo",
        "lstm_step_backward",
        "cs231n",
        patch=[("np.hstack((dai, daf, dao, dag))", "np.hstack((dai, daf, dag, dao))")],
    ),
    Bug(
        "lstm_step_backward.tanh_grad_of_tanh_g",
        "lstm_step_backward",
        "loops",
        patch=[("dc * i * (1 - g * g)", "dc * i * (1 - np.tanh(g) ** 2)")],
        about="(1 - tanh(g)**2) where g is already the tanh",
    ),
    # lstm_forward
    Bug(
        "lstm_forward.c_not_carried",
        "lstm_forward",
        "cs231n",
        patch=[
            (
                "prev_h, prev_c, cache_t = lstm_step_forward(",
                "prev_h, _, cache_t = lstm_step_forward(",
            )
        ],
    ),
    Bug(
        "lstm_forward.c0_is_h0",
        "lstm_forward",
        "dict_caches",
        patch=[("h_t, c_t = h0, np.zeros((N, H))", "h_t, c_t = h0, h0")],
    ),
    Bug(
        "lstm_forward.split_as_ifgo",
        "lstm_forward",
        "einsum",
        patch=[(_EINSUM_GATES, _EINSUM_IFGO)],
    ),
    # lstm_backward
    Bug(
        "lstm_backward.dprev_h_not_carried",
        "lstm_backward",
        "inplace",
        patch=[("        if t > 0:\n            dh[:, t - 1] += dprev_h\n", "")],
    ),
    Bug(
        "lstm_backward.dprev_c_not_carried",
        "lstm_backward",
        "einsum",
        patch=[("dct = dc_t + dht * o * (1 - tc**2)", "dct = dht * o * (1 - tc**2)")],
    ),
    Bug(
        "lstm_backward.dprev_c_without_f",
        "lstm_backward",
        "einsum",
        patch=[("dc_t = dct * f", "dc_t = dct")],
    ),
    Bug(
        "lstm_backward.df_with_c_t",
        "lstm_backward",
        "einsum",
        patch=[("dct * c_prev[:, t] * f * (1 - f)", "dct * cs[:, t] * f * (1 - f)")],
    ),
    Bug(
        "lstm_backward.tanh_c_grad_of_c",
        "lstm_backward",
        "einsum",
        patch=[
            ("dct = dc_t + dht * o * (1 - tc**2)", "dct = dc_t + dht * o * (1 - cs[:, t] ** 2)")
        ],
    ),
    Bug(
        "lstm_backward.dh0_missing",
        "lstm_backward",
        "einsum",
        patch=[("return dx, dh_t, dWx, dWh, db", "return dx, np.zeros_like(h0), dWx, dWh, db")],
    ),
    Bug(
        "lstm_backward.dWh_not_accumulated",
        "lstm_backward",
        "inplace",
        patch=[("dWh += dWh_t", "dWh = dWh_t")],
    ),
    Bug(
        "lstm_backward.weight_grads_last_step_only",
        "lstm_backward",
        "inplace",
        patch=[(_INPLACE_SUMS, _INPLACE_LAST)],
    ),
    # CaptioningRNN, cell_type='lstm'
    Bug(
        "CaptioningRNN.sample.lstm_cell_not_carried",
        "CaptioningRNN.sample:lstm",
        "dict_caches",
        patch=[
            (
                'h, c, _ = lstm_step_forward(x, h, c, P["Wx"], P["Wh"], P["b"])',
                'h, _, _ = lstm_step_forward(x, h, c, P["Wx"], P["Wh"], P["b"])',
            )
        ],
    ),
    Bug(
        "CaptioningRNN.loss.mask_inverted",
        "CaptioningRNN.loss:lstm",
        "own_sigmoid",
        patch=[("target != self._null)", "target == self._null)")],
    ),
    Bug(
        "CaptioningRNN.loss.no_projection_backward",
        "CaptioningRNN.loss:lstm",
        "einsum",
        patch=[
            ('W_proj=np.einsum("nd,nh->dh", features, dh0)', "W_proj=np.zeros_like(W_proj)"),
            ("b_proj=dh0.sum(0)", "b_proj=np.zeros_like(b_proj)"),
        ],
    ),
    Bug(
        "CaptioningRNN.loss.h0_for_dh0_in_projection",
        "CaptioningRNN.loss:lstm",
        "dict_caches",
        patch=[('affine_backward(dh0, caches["proj"])', 'affine_backward(h0, caches["proj"])')],
    ),
    Bug(
        "CaptioningRNN.sample.word_not_fed_back",
        "CaptioningRNN.sample:lstm",
        "inplace",
        patch=[("            word = captions[:, t]\n", "")],
    ),
    Bug(
        "CaptioningRNN.sample.records_input_word",
        "CaptioningRNN.sample:lstm",
        "own_sigmoid",
        patch=[("return np.array(words[1:]).T", "return np.array(words[:-1]).T")],
    ),
    Bug(
        "CaptioningRNN.sample.max_score_fed_back",
        "CaptioningRNN.sample:lstm",
        "einsum",
        patch=[
            (
                "word = np.argmax(scores, axis=-1)\n            captions.append(word)",
                "captions.append(np.argmax(scores, axis=-1))\n            word = np.max(scores, axis=-1).astype(int)",
            ),
        ],
    ),
    # Python 2 / numpy 1
    Bug(
        "python2.xrange",
        "lstm_step_forward",
        "loops",
        patch=[("for k in range(4):", "for k in xrange(4):")],
    ),
    Bug(
        "python2.np_float",
        "lstm_forward",
        "inplace",
        patch=[
            (
                "c = np.zeros((N, H))\n    cache = []",
                "c = np.zeros((N, H), dtype=np.float)\n    cache = []",
            )
        ],
    ),
]
