"""Known mistakes of the lstm chapter (format: :mod:`autograder.mistakes.base`).

Gate order is i, f, o, g. ``CaptioningRNN`` mistakes common to both cell types
are in ``rnn.py``; the ones here carry the ``:lstm`` suffix.
"""

from autograder.mistakes.base import Mistake

MISTAKES = [
    # lstm_step_forward
    Mistake(
        id="lstm_step_forward.gate_order_ifgo",
        function="lstm_step_forward",
        patch=[
            ("o = sigmoid(a[:, 2 * H : 3 * H])", "o = sigmoid(a[:, 3 * H :])"),
            ("g = np.tanh(a[:, 3 * H :])", "g = np.tanh(a[:, 2 * H : 3 * H])"),
        ],
        hint="gate blocks read in the order i, f, g, o; the blocks of a are i, f, o, g",
    ),
    Mistake(
        id="lstm_step_forward.g_sigmoid",
        function="lstm_step_forward",
        patch=[("g = np.tanh(a[:, 3 * H :])", "g = sigmoid(a[:, 3 * H :])")],
        hint="the candidate g uses sigmoid; it is tanh (only i, f, o are sigmoids)",
    ),
    Mistake(
        id="lstm_step_forward.i_f_swapped_in_cell",
        function="lstm_step_forward",
        patch=[("next_c = f * prev_c + i * g", "next_c = i * prev_c + f * g")],
        hint="i and f swapped in the cell update; next_c = f * prev_c + i * g",
    ),
    Mistake(
        id="lstm_step_forward.no_tanh_of_cell",
        function="lstm_step_forward",
        patch=[("next_h = o * tanh_c", "next_h = o * next_c")],
        hint="next_h = o * next_c; the cell state goes through tanh: o * tanh(next_c)",
    ),
    # lstm_step_backward
    Mistake(
        id="lstm_step_backward.no_path_from_h_to_c",
        function="lstm_step_backward",
        patch=[
            (
                "    dnext_c = dnext_c + dtanh_c * (1 - tanh_c**2)"
                "  # tanh_c = tanh(next_c); not +=: no mutation\n",
                "",
            )
        ],
        hint="the path next_h -> tanh(next_c) -> next_c is missing: dnext_h * o * (1 - tanh_c**2)",
    ),
    Mistake(
        id="lstm_step_backward.no_o_in_path_to_c",
        function="lstm_step_backward",
        patch=[("dtanh_c = dnext_h * o", "dtanh_c = dnext_h")],
        hint="the factor o is missing in the gradient from next_h into tanh(next_c)",
    ),
    Mistake(
        id="lstm_step_backward.dnext_c_ignored",
        function="lstm_step_backward",
        patch=[
            (
                "dnext_c = dnext_c + dtanh_c * (1 - tanh_c**2)",
                "dnext_c = dtanh_c * (1 - tanh_c**2)",
            )
        ],
        hint="the incoming dnext_c is dropped; it adds to the gradient that comes through next_h",
    ),
    Mistake(
        id="lstm_step_backward.sigmoid_grad_as_tanh",
        function="lstm_step_backward",
        patch=[
            ("da_i = di * i * (1 - i)", "da_i = di * (1 - i**2)"),
            ("da_f = df * f * (1 - f)", "da_f = df * (1 - f**2)"),
            ("da_o = do * o * (1 - o)", "da_o = do * (1 - o**2)"),
        ],
        hint="sigmoid' written as 1 - s**2 (that is tanh'); sigmoid'(a) = s * (1 - s)",
    ),
    Mistake(
        id="lstm_step_backward.g_grad_as_sigmoid",
        function="lstm_step_backward",
        patch=[("da_g = dg * (1 - g**2)", "da_g = dg * g * (1 - g)")],
        hint="g = tanh(a_g) is differentiated like a sigmoid; tanh'(a_g) = 1 - g**2",
    ),
    Mistake(
        id="lstm_step_backward.dprev_c_without_f",
        function="lstm_step_backward",
        patch=[("dprev_c = dnext_c * f", "dprev_c = dnext_c")],
        hint="dprev_c = dnext_c; next_c = f * prev_c, so dprev_c = dnext_c * f",
    ),
    Mistake(
        id="lstm_step_backward.gate_grads_ifgo",
        function="lstm_step_backward",
        patch=[("(da_i, da_f, da_o, da_g)", "(da_i, da_f, da_g, da_o)")],
        hint="gate gradients concatenated as i, f, g, o; da keeps the blocks of a: i, f, o, g",
    ),
    # lstm_forward
    Mistake(
        id="lstm_forward.c_not_carried",
        function="lstm_forward",
        patch=[("prev_h, prev_c = h[:, t], c[:, t]", "prev_h = h[:, t]")],
        hint="the cell state is not carried: every step starts from c = 0",
    ),
    Mistake(
        id="lstm_forward.c0_is_h0",
        function="lstm_forward",
        patch=[("prev_h, prev_c = h0, np.zeros((N, H), dtype=dtype)", "prev_h, prev_c = h0, h0")],
        hint="the initial cell state is h0; it is zero",
    ),
    Mistake(
        id="lstm_forward.split_as_ifgo",
        function="lstm_forward",
        patch=[
            (
                "i, f, o, g = np.split(ifog[:, t], 4, axis=1)",
                "i, f, g, o = np.split(ifog[:, t], 4, axis=1)",
            )
        ],
        hint="the gate values are unpacked as i, f, g, o; the blocks are i, f, o, g",
    ),
    # lstm_backward
    Mistake(
        id="lstm_backward.dprev_h_not_carried",
        function="lstm_backward",
        patch=[("dnext_h = dh[:, t] + dprev_h", "dnext_h = dh[:, t]")],
        hint="dprev_h from step t+1 is not added to dh[:, t] in the LSTM loop",
    ),
    Mistake(
        id="lstm_backward.dprev_c_not_carried",
        function="lstm_backward",
        patch=[("dnext_c = dprev_c + dnext_h", "dnext_c = dnext_h")],
        hint="dprev_c from step t+1 is not added to dnext_c: the cell-state gradient is lost",
    ),
    Mistake(
        id="lstm_backward.dprev_c_without_f",
        function="lstm_backward",
        patch=[("dprev_c = dnext_c * f[:, t]", "dprev_c = dnext_c")],
        hint="dprev_c is passed back without the forget gate; it is dnext_c * f[:, t]",
    ),
    Mistake(
        id="lstm_backward.df_with_c_t",
        function="lstm_backward",
        patch=[
            (
                "prev_c = np.concatenate((np.zeros_like(c[:, :1]), c[:, :-1]), axis=1)",
                "prev_c = c",
            )
        ],
        hint="df uses c[:, t]; the forget gate multiplied c[:, t-1] (zero at t = 0)",
    ),
    Mistake(
        id="lstm_backward.tanh_c_grad_of_c",
        function="lstm_backward",
        patch=[("dtanh_c = 1 - tanh_c**2", "dtanh_c = 1 - c**2")],
        hint="tanh'(c) written as 1 - c**2; it is 1 - tanh(c)**2 = 1 - tanh_c**2",
    ),
    Mistake(
        id="lstm_backward.dh0_missing",
        function="lstm_backward",
        patch=[("dh0 = dprev_h", "dh0 = np.zeros_like(h0)")],
        hint="dh0 of the LSTM is left at zero; it is dprev_h after step 0",
    ),
    Mistake(
        id="lstm_backward.dWh_not_accumulated",
        function="lstm_backward",
        patch=[("dWh = prev_h.T @ da_flat", "dWh = h0.T @ da[:, 0]")],
        hint="dWh of the LSTM is overwritten at every step: only step 0's contribution is left",
    ),
    # CaptioningRNN with cell_type='lstm'
    Mistake(
        id="CaptioningRNN.sample.lstm_cell_not_carried",
        function="CaptioningRNN.sample:lstm",
        patch=[
            (
                "h, c, _ = lstm_step_forward(x, h, c, Wx, Wh, b)",
                "h, _, _ = lstm_step_forward(x, h, c, Wx, Wh, b)",
            )
        ],
        hint="the cell state returned by lstm_step_forward is dropped: c stays zero",
    ),
]
