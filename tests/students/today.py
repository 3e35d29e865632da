"""Where today's grader is unfair to this corpus, with the cause as issue 9 lists it.

The tests mark these ``xfail(strict=True)``: the suite is green now and turns red (XPASS)
the day the grader is fixed, when the entry is deleted here.

``UNFAIR``: ``(student, graded name) -> cause`` for correct code that loses points.
``UNNAMED``: ``bug student -> cause`` for a wrong answer whose message does not name it.
``CELLS``: ``(student, test cell grade_id) -> cause`` for correct code whose test cell loses its
points in stock ``nbgrader autograde`` (visible checks included); ``PY2_E2E``: the cause while
the graded cells of Python 2 code do not say what to change.
"""

NEW_ID = "issue 9 cause 5: not in the mistake catalogue yet (judge adds it)"
PY2 = "issue 9: no one-line help for Python 2 / numpy 1 names yet"

LOG_OF_P = (
    "issue 9 cause 2: max-shifted, then np.log of the probability (CS231n's way); the hidden"
    " case's scores spread over hundreds, p underflows to 0 and the loss is inf"
    " ('loss for scores ~1000, reg=0 contains inf ... non-finite values never pass')"
)
LSE_CANCEL = (
    "found here (cause 2's kind): f - logsumexp(f), scipy's and seed 004's formula, loses"
    " ~1e-13 to cancellation at scores ~1000; compared entrywise at 1e-6 the entry with"
    " logp near 0 fails ('logp for scores ~1000 is wrong: rel_error 1.5e-06 > tolerance 1e-06')"
)
MASK_TIMES_LOG = (
    "issue 9 cause 2: CS231n's own temporal_softmax_loss (max-shift, np.log(probs[...]) times"
    " the mask): scores 1000 + 300 x underflow probs to 0 and 0 * log 0 is NaN"
    " ('loss for scores ~1000 contains NaN ... non-finite values never pass')"
)
OWN_CACHE = (
    "issue 9 cause 1: the reference step functions swapped in reject the caches the student's"
    " own step functions made ({})"
)
NX1_WORDS = (
    "issue 9 cause 1: sample passes the current words as an (N,) array to the swapped-in"
    " reference word_embedding_forward ('x must have shape (N, T) = (?, ?), got (4,)')"
)
ZERO_STATE = (
    "issue 9 cause 1: the swapped-in reference step function rejects a scalar zero that"
    " numpy broadcasts ('{} must have shape (N, H) = (3, {}), got ()')"
)
PATTERN = (
    "issue 9 cause 5: the student's outputs are not the mutant's (another NaN/inf pattern or"
    " another wrong formula for the same idea), so only the generic message is shown"
)

UNFAIR = {
    ("temporal_loss/cs231n", "temporal_softmax_loss_loop"): MASK_TIMES_LOG,
    ("temporal_loss/cs231n", "temporal_softmax_loss"): MASK_TIMES_LOG,
    ("rnn/cs231n", "rnn_backward"): OWN_CACHE.format(
        "'not enough values to unpack (expected 6, got 5)'"
    ),
    ("rnn/cs231n", "CaptioningRNN.sample"): NX1_WORDS,
    ("rnn/dict_caches", "rnn_backward"): OWN_CACHE.format(
        "'tuple indices must be integers or slices, not str'"
    ),
    ("rnn/class_state", "rnn_backward"): OWN_CACHE.format(
        "\"'tuple' object has no attribute 'x'\""
    ),
    ("lstm/cs231n", "lstm_backward"): OWN_CACHE.format(
        "'not enough values to unpack (expected 12, got 10)'"
    ),
    ("lstm/cs231n", "CaptioningRNN.sample:lstm"): NX1_WORDS.replace("(4,)", "(2,)"),
    ("lstm/loops", "lstm_forward"): ZERO_STATE.format("prev_c", 4),
    ("lstm/loops", "lstm_backward"): ZERO_STATE.format("prev_c", 2)
    + "; its lstm_forward starts from prev_c = 0",
    ("lstm/dict_caches", "lstm_backward"): ZERO_STATE.format("dnext_c", 2),
    ("lstm/own_sigmoid", "lstm_backward"): OWN_CACHE.format(
        "\"'tuple' object has no attribute 'x'\""
    ),
    ("softmax/cs231n", "softmax_loss_naive"): LOG_OF_P,
    ("softmax/cs231n", "softmax_loss_vectorized"): LOG_OF_P,
    ("softmax/helpers", "softmax_loss_naive"): LOG_OF_P,
    ("softmax/helpers", "softmax_loss_vectorized"): LOG_OF_P,
    ("softmax/einsum", "log_softmax"): LSE_CANCEL,
    ("softmax/seed002+004", "log_softmax"): LSE_CANCEL,
    ("softmax/seed002+004-logsumexp", "log_softmax"): LSE_CANCEL,
    ("softmax/seed002+004", "softmax_loss_naive"): LOG_OF_P,
    ("softmax/seed002+004", "softmax_loss_vectorized"): LOG_OF_P,
    ("softmax/seed002+004-logsumexp", "softmax_loss_naive"): LOG_OF_P,
    ("softmax/seed002+004-logsumexp", "softmax_loss_vectorized"): LOG_OF_P,
    ("temporal_loss/seed000+003", "temporal_softmax_loss"): MASK_TIMES_LOG.replace(
        "CS231n's own", "seed 000's"
    ),
    ("temporal_loss/seed000+003", "temporal_softmax_loss_loop"): LOG_OF_P.replace("reg=0 ", ""),
    ("softmax/loops", "log_softmax"): LSE_CANCEL,
    ("softmax/onehot", "log_softmax"): LSE_CANCEL,
}

UNNAMED = {
    "gradcheck/loops+python2.xrange": PY2,
    "gradcheck/loops+python2.np_float": PY2,
    "softmax/onehot+softmax_loss_naive.no_max_shift": PATTERN,
    "softmax/seed002-found+reg": PATTERN,
    "softmax/seed004-found": PATTERN,
    "softmax/einsum+softmax_loss_vectorized.one_hot_whole_columns": PATTERN,
    "softmax/onehot+softmax_loss_vectorized.reg_gradient_without_2": NEW_ID,
    "softmax/einsum+softmax_loss_vectorized.convention_half_reg": NEW_ID,
    "softmax/loops+softmax_loss_naive.convention_half_reg": NEW_ID,
    "softmax/loops+python2.xrange": PY2,
    "temporal_loss/einsum+temporal_softmax_loss_loop.no_max_shift": PATTERN,
    "temporal_loss/einsum+temporal_softmax_loss.no_max_shift": PATTERN,
    "temporal_loss/loops+python2.xrange": PY2,
    "rnn/class_state+rnn_step_backward.convention_db_keepdims": NEW_ID,
    "rnn/inplace+rnn_backward.weight_grads_last_step_only": NEW_ID,
    "rnn/cs231n+CaptioningRNN.loss.h0_for_dh0_in_projection": NEW_ID,
    "rnn/dict_caches+CaptioningRNN.loss.features_ignored": NEW_ID,
    "rnn/inplace+CaptioningRNN.sample.max_score_fed_back": NEW_ID,
    "rnn/loops+python2.xrange": PY2,
    "lstm/loops+lstm_step_backward.tanh_grad_of_tanh_g": NEW_ID,
    "lstm/inplace+lstm_backward.weight_grads_last_step_only": NEW_ID,
    "lstm/dict_caches+CaptioningRNN.loss.h0_for_dh0_in_projection": NEW_ID,
    "lstm/einsum+CaptioningRNN.sample.max_score_fed_back": NEW_ID,
    "lstm/loops+python2.xrange": PY2,
    "lstm/inplace+python2.np_float": PY2,
    "rnn/einsum+python2.np_float": PY2,
    "temporal_loss/einsum+python2.np_float": PY2,
    "softmax/onehot+python2.np_float": PY2,
}

CLOBBER = (
    "found here (issue 9 cause 3's kind): the visible check of test_log_softmax runs"
    " `from scipy.special import logsumexp` in the student's namespace and replaces the"
    " student's own helper logsumexp (seed 004, In [17]); the later test_nll visible check"
    " then calls the student's log_softmax ('IndexError: invalid index to scalar variable')"
)

INPLACE_CHECK = (
    "issue 9 cause 3: the visible check of lstm_step_backward calls the student's backward"
    " before its numeric gradient, so a correct `dnext_c += ...` changes the numeric"
    " reference and the cell scores 0 ('dx: rel_error 1 (want below 1e-06); ...')"
)

# end to end, every Python 2 student's graded cell must say what to change (None once it does)
PY2_E2E = PY2

CELLS = {
    ("lstm/inplace", "test_lstm_step_backward"): INPLACE_CHECK,
    ("softmax/seed002+004-logsumexp", "test_nll"): CLOBBER,
}
