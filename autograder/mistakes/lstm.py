"""Known mistakes of the lstm chapter (format: :mod:`autograder.mistakes.base`).

Gate order is i, f, o, g. ``CaptioningRNN`` mistakes common to both cell types
are in ``rnn.py``; the ones here carry the ``:lstm`` suffix.
"""

from autograder.mistakes.base import Mistake
from autograder.mistakes.edits import Drop, Insert, Rhs, Swap

_CARRY = "prev_h, prev_c = h[:, t], c[:, t]"
_TO_C = "dnext_c + dtanh_c * (1 - tanh_c ** 2)"

MISTAKES = [
    # lstm_step_forward
    Mistake(
        id="lstm_step_forward.gate_order_ifgo",
        function="lstm_step_forward",
        edits=[Rhs("o", "sigmoid(a[:, 3 * H:])"), Rhs("g", "np.tanh(a[:, 2 * H:3 * H])")],
        hint="gate blocks read in the order i, f, g, o; the blocks of a are i, f, o, g",
    ),
    Mistake(
        id="lstm_step_forward.g_sigmoid",
        function="lstm_step_forward",
        edits=[Swap("np.tanh", "sigmoid", within="g")],
        hint="the candidate g uses sigmoid; it is a tanh (only i, f, o are sigmoids)",
    ),
    Mistake(
        id="lstm_step_forward.i_f_swapped_in_cell",
        function="lstm_step_forward",
        edits=[Rhs("next_c", "i * prev_c + f * g")],
        hint="i and f are swapped in the cell update: the forget gate scales the old cell state",
    ),
    Mistake(
        id="lstm_step_forward.no_tanh_of_cell",
        function="lstm_step_forward",
        edits=[Swap("tanh_c", "next_c", within="next_h")],
        hint="next_h uses the cell state without passing it through tanh",
    ),
    # lstm_step_backward
    Mistake(
        id="lstm_step_backward.no_path_from_h_to_c",
        function="lstm_step_backward",
        edits=[Swap(_TO_C, "dnext_c")],
        hint="the gradient through next_h never reaches the cell state (dprev_c misses that path)",
    ),
    Mistake(
        id="lstm_step_backward.no_o_in_path_to_c",
        function="lstm_step_backward",
        edits=[Swap("dnext_h * o", "dnext_h")],
        hint="the factor o is missing in the gradient from next_h into tanh(next_c)",
    ),
    Mistake(
        id="lstm_step_backward.dnext_c_ignored",
        function="lstm_step_backward",
        edits=[Swap(_TO_C, "dtanh_c * (1 - tanh_c ** 2)")],
        hint="the incoming dnext_c is dropped; it adds to the gradient that comes through next_h",
    ),
    Mistake(
        id="lstm_step_backward.sigmoid_grad_as_tanh",
        function="lstm_step_backward",
        edits=[
            Swap("di * i * (1 - i)", "di * (1 - i ** 2)"),
            Swap("df * f * (1 - f)", "df * (1 - f ** 2)"),
            Swap("do * o * (1 - o)", "do * (1 - o ** 2)"),
        ],
        hint="the sigmoid gates i, f, o are differentiated as if they were tanh",
    ),
    Mistake(
        id="lstm_step_backward.g_grad_as_sigmoid",
        function="lstm_step_backward",
        edits=[Swap("dg * (1 - g ** 2)", "dg * g * (1 - g)")],
        hint="the candidate g (a tanh) is differentiated as if it were a sigmoid",
    ),
    Mistake(
        id="lstm_step_backward.tanh_grad_of_tanh_g",
        function="lstm_step_backward",
        edits=[Swap("1 - g ** 2", "1 - np.tanh(g) ** 2")],
        hint="g is already tanh's output, but its derivative applies tanh to it once more",
    ),
    Mistake(
        id="lstm_step_backward.dprev_c_without_f",
        function="lstm_step_backward",
        edits=[Swap("dnext_c * f", "dnext_c")],
        hint="dprev_c lacks the forget gate: next_c scaled prev_c by f",
    ),
    Mistake(
        id="lstm_step_backward.gate_grads_ifgo",
        function="lstm_step_backward",
        edits=[Swap("(da_i, da_f, da_o, da_g)", "(da_i, da_f, da_g, da_o)")],
        hint="gate gradients stacked as i, f, g, o; da keeps the block order of a: i, f, o, g",
    ),
    # lstm_forward
    Mistake(
        id="lstm_forward.c_not_carried",
        function="lstm_forward",
        edits=[Insert(_CARRY, "prev_h = h[:, t]"), Drop(_CARRY)],
        hint="the cell state is not carried: every step starts from c = 0",
    ),
    Mistake(
        id="lstm_forward.c0_is_h0",
        function="lstm_forward",
        edits=[Swap("np.zeros((N, H), dtype=dtype)", "h0", within="prev_h, prev_c")],
        hint="the initial cell state is h0; it starts at zero",
    ),
    Mistake(
        id="lstm_forward.split_as_ifgo",
        function="lstm_forward",
        edits=[Swap("(i, f, o, g)", "(i, f, g, o)", within="i, f, o, g")],
        hint="the gate values are unpacked as i, f, g, o; the blocks are i, f, o, g",
    ),
    # lstm_backward
    Mistake(
        id="lstm_backward.dprev_h_not_carried",
        function="lstm_backward",
        edits=[Swap("dh[:, t] + dprev_h", "dh[:, t]")],
        hint="dprev_h from step t+1 is not added to the upstream gradient in the LSTM loop",
    ),
    Mistake(
        id="lstm_backward.dprev_c_not_carried",
        function="lstm_backward",
        edits=[
            Swap("dprev_c + dnext_h * o[:, t] * dtanh_c[:, t]", "dnext_h * o[:, t] * dtanh_c[:, t]")
        ],
        hint="dprev_c from step t+1 is not added to dnext_c: the cell-state gradient is lost",
    ),
    Mistake(
        id="lstm_backward.dprev_c_without_f",
        function="lstm_backward",
        edits=[Swap("dnext_c * f[:, t]", "dnext_c")],
        hint="dprev_c is passed back without the forget gate in the LSTM loop",
    ),
    Mistake(
        id="lstm_backward.df_with_c_t",
        function="lstm_backward",
        edits=[Rhs("prev_c", "c")],
        hint="df uses the cell state of the same step; the forget gate scaled the previous one",
    ),
    Mistake(
        id="lstm_backward.tanh_c_grad_of_c",
        function="lstm_backward",
        edits=[Rhs("dtanh_c", "1 - c ** 2")],
        hint="tanh'(c) is computed from c itself instead of from tanh(c)",
    ),
    Mistake(
        id="lstm_backward.dh0_missing",
        function="lstm_backward",
        edits=[Rhs("dh0", "np.zeros_like(h0)")],
        hint="dh0 of the LSTM is left at zero; it is the gradient that comes out of step 0",
    ),
    Mistake(
        id="lstm_backward.dWh_not_accumulated",
        function="lstm_backward",
        edits=[Swap("prev_h.T @ da_flat", "h0.T @ da[:, 0]")],
        hint="dWh of the LSTM is overwritten at every step: only step 0's contribution is left",
    ),
    Mistake(
        id="lstm_backward.weight_grads_last_step_only",
        function="lstm_backward",
        edits=[
            Rhs("dWx", "x[:, 0].T @ da[:, 0]"),
            Rhs("dWh", "h0.T @ da[:, 0]"),
            Rhs("db", "da[:, 0].sum(axis=0)"),
        ],
        variants=[
            [
                Rhs("dWx", "x[:, -1].T @ da[:, -1]"),
                Rhs("dWh", "prev_h.reshape(N, T, H)[:, -1].T @ da[:, -1]"),
                Rhs("db", "da[:, -1].sum(axis=0)"),
            ]
        ],
        hint="the LSTM's dWx, dWh and db keep one time step's contribution instead of the sum",
    ),
    # CaptioningRNN with cell_type='lstm'
    Mistake(
        id="CaptioningRNN.sample.lstm_cell_not_carried",
        function="CaptioningRNN.sample:lstm",
        edits=[Swap("(h, c, _)", "(h, _, _)", within="h, c, _")],
        hint="the cell state returned by lstm_step_forward is dropped: c stays zero",
    ),
]
