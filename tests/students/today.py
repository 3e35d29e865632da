"""Where today's grader is unfair to this corpus, with the cause as issue 9 lists it.

The tests mark these ``xfail(strict=True)``: the suite stays green while a known unfairness
is open and turns red (XPASS) the day the grader is fixed, when the entry is deleted here.
Every entry found while building the corpus (issue 9's causes 1-5: reference sub-functions
that rejected students' own caches, extreme-score cases that max-shifted code could not
pass, visible checks that decided scores, unnamed bugs, no help for Python 2 code) has been
fixed and deleted; a new one is added here with its cause.

``UNFAIR``: ``(student, graded name) -> cause`` for correct code that loses points.
``UNNAMED``: ``bug student -> cause`` for a wrong answer whose message does not name it.
``TWICE``: ``(bug student, its graded name) -> cause`` for a wrong answer that also costs the
points of a graded name outside the cells it edits (one that its base student passes).
``CELLS``: ``(student, test cell grade_id) -> cause`` for correct code whose test cell loses its
points in stock ``nbgrader autograde``; ``PY2_E2E``: the cause while the graded cells of
Python 2 code do not say what to change (``None``: they do).
"""

UNFAIR: dict = {}
UNNAMED: dict = {}

# A backward whose own forward fails its own hidden test is graded again on the reference
# forward's cache (Spec.forward): that fallback cannot help a backward that reads a cache laid
# out its own way (a list per step, a dict, other items, other leaves in the same places),
# nor one whose forward's cell does not run, so the forward bug costs the backward's points.
_OWN_LAYOUT = (
    "the backward reads its own forward's cache layout ({}): on the reference forward's cache "
    "it {}, so the forward's bug costs the backward's points too"
)
_NO_FORWARD = (
    "its rnn_forward cell does not run: 'rnn_backward: needs your rnn_forward, which is not "
    "defined' (no forward, no cache to grade the backward on)"
)
# The sequence backward reads the caches its own step functions made (a StepCache object, a
# 12-item tuple): with the reference step functions swapped in it cannot run, so the fallback
# that makes a step bug cost once does not apply.
_OWN_CACHES = (
    "the sequence backward reads its own step caches ({}); with the reference step functions "
    "swapped in it raises, so the step bug costs the sequence backward's points too"
)
TWICE: dict = {
    **dict.fromkeys(
        [
            ("rnn/inplace+rnn_forward.h_not_carried", "rnn_forward"),
            ("rnn/loops+python2.xrange", "rnn_forward"),
            ("rnn/seed003-found+tabs", "rnn_forward"),
            ("lstm/inplace+python2.np_float", "lstm_forward"),
            ("lstm/cs231n+lstm_forward.c_not_carried", "lstm_forward"),
        ],
        _OWN_LAYOUT.format("a list of step caches", "raises 'not enough values to unpack'"),
    ),
    ("rnn/seed003-found", "rnn_forward"): _NO_FORWARD,
    **dict.fromkeys(
        [
            ("lstm/dict_caches+lstm_step_forward.g_sigmoid", "lstm_step_forward"),
            ("lstm/dict_caches+lstm_forward.c0_is_h0", "lstm_forward"),
        ],
        _OWN_LAYOUT.format("a dict", "raises 'tuple indices must be integers'"),
    ),
    **dict.fromkeys(
        [
            ("lstm/einsum+lstm_step_forward.i_f_swapped_in_cell", "lstm_step_forward"),
            ("lstm/einsum+lstm_forward.split_as_ifgo", "lstm_forward"),
        ],
        _OWN_LAYOUT.format("a 7-item tuple", "raises 'too many values to unpack'"),
    ),
    **dict.fromkeys(
        [
            ("lstm/loops+lstm_step_forward.gate_order_ifgo", "lstm_step_forward"),
            ("lstm/loops+python2.xrange", "lstm_step_forward"),
        ],
        _OWN_LAYOUT.format("next_c where the reference keeps tanh(next_c)", "gives wrong values"),
    ),
    **dict.fromkeys(
        [
            ("rnn/class_state+rnn_step_backward.convention_db_keepdims", "rnn_step_backward"),
            ("lstm/own_sigmoid+lstm_step_forward.no_tanh_of_cell", "lstm_step_forward"),
            ("lstm/own_sigmoid+lstm_step_backward.dprev_c_without_f", "lstm_step_backward"),
        ],
        _OWN_CACHES.format("an object per step"),
    ),
    **dict.fromkeys(
        [
            ("lstm/cs231n+lstm_step_backward.no_o_in_path_to_c", "lstm_step_backward"),
            ("lstm/cs231n+lstm_step_backward.gate_grads_ifgo", "lstm_step_backward"),
        ],
        _OWN_CACHES.format("a 12-item tuple per step"),
    ),
}
CELLS: dict = {}
PY2_E2E = None
