# ruff: noqa: E501 - student code quoted as found
"""The graded functions found in the seed student code (``/work/shared/seeds/``).

Each :class:`SeedFunction` is one function as its author wrote it (``found``, cut from the
seed file at ``where``; loose notebook cells of seed 000 assembled into the function they
compute, PyTorch of seed 004 written with numpy) and, where it does not run or is wrong, its
minimal repair (``fixed``). ``expect`` says what the found version must get: a catalogue
id, ``"says:<text>"`` (the message must contain it) or ``"loses"`` (it must lose points).

Students: per seed file and chapter, the ``fixed`` student holds every function in its
repaired (or, when right as found, original) form and must score full; each function that
was wrong as found becomes a bug student (the fixed student with that one cell as found).
Seed 001 holds only CS231n's checks for the LSTM (calls, no implementation): nothing to grade.
"""

from dataclasses import dataclass

from students.styles import Bug, Student


@dataclass(frozen=True)
class SeedFunction:
    seed: str  # file in /work/shared/seeds/
    where: str  # cell / lines in that file
    chapter: str
    cell: str  # answer grade_id
    name: str  # graded name
    found: str
    fixed: str | None = None  # None: right as found
    expect: str | None = None  # what the found version must get, when it is wrong
    group: str = ""  # several correct versions of one function: one fixed student each
    about: str = ""


S000, S002, S003, S004 = (
    "000_d0667d2b44f44893.txt",
    "002_02b3b8a71ec587e7.txt",
    "003_2fa6337ef1561d54.txt",
    "004_811113bee97b5f51.txt",
)

# ---- seed 000: temporal softmax loss worked out in notebook cells (scipy softmax) ----------

_TSL_000 = """from scipy.special import softmax


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    probs = softmax(x, axis=2)  # In [6]
    I, J = np.ogrid[:N, :T]  # In [19]
    probs_correct_vect_no_mask = probs[I, J, y]
    loss = -np.sum(mask * np.log(probs_correct_vect_no_mask)) / N  # In [30]
    dscores_man = probs.copy()  # In [58]
    dscores_man[I, J, y] -= 1  # In [59]
    dscores_man /= N  # In [60]
    dscores_man *= mask.reshape(N, T, 1)  # In [61]
    return loss, dscores_man
"""

_TSL_LOOP_000 = """from scipy.special import softmax


def temporal_softmax_loss_loop(x, y, mask):
    N, T, V = x.shape
    probs = softmax(x, axis=2)  # In [6]
    probs_correct_loop_with_mask = np.ones_like(y, dtype="float")  # In [23]
    for i in range(N):
        for j in range(T):
            if y[i, j]:
                probs_correct_loop_with_mask[i, j] = probs[i, j, y[i, j]]
    loss = -np.sum(np.log(probs_correct_loop_with_mask)) / N  # In [24]
    I, J = np.ogrid[:N, :T]
    dscores_man = probs.copy()  # In [58]
    dscores_man[I, J, y] -= 1
    dscores_man /= N
    dscores_man *= mask.reshape(N, T, 1)
    return loss, dscores_man
"""

# ---- seed 002: softmax gist (no regularisation; the naive one without the max shift) ------

_NAIVE_002 = """def softmax_loss_naive(W, X, y, reg=0.0):
    loss = 0.0
    dW = np.zeros_like(W)
    D, C = W.shape
    N, D = X.shape
    F = X @ W  ## N x C
    S = np.exp(F) / np.sum(np.exp(F), axis=1, keepdims=True)
    for i in range(N):
        s = S[i, :]
        loss -= np.log(s[y[i]])
    loss /= N
    dS = np.copy(S)
    for i in range(N):
        dS[i, y[i]] -= 1
    dW = X.T @ dS
    dW /= N
    return loss, dW
"""
_NAIVE_002_REG = _NAIVE_002.replace(
    "    dW /= N\n", "    dW /= N\n    loss += reg * np.sum(W * W)\n    dW += 2 * reg * W\n"
)
_NAIVE_002_FIXED = _NAIVE_002_REG.replace(
    "    F = X @ W  ## N x C\n",
    "    F = X @ W  ## N x C\n    F -= np.max(F, axis=1, keepdims=True)\n",
)

_VEC_002 = """def softmax_loss_vectorized(W, X, y, reg=0.0):
    loss = 0.0
    dW = np.zeros_like(W)
    D, C = W.shape
    N, D = X.shape
    F = X @ W
    F -= np.max(F, axis=1, keepdims=True)
    S = np.exp(F) / np.sum(np.exp(F), axis=1, keepdims=True)
    loss -= np.mean(np.log(S[np.arange(N), y]))
    dS = np.copy(S)
    dS[np.arange(N), y] -= 1
    dW = X.T @ dS
    dW /= N
    return loss, dW
"""
_VEC_002_FIXED = _VEC_002.replace(
    "    dW /= N\n", "    dW /= N\n    loss += reg * np.sum(W * W)\n    dW += 2 * reg * W\n"
)

# ---- seed 003: blog post, CS231n assignment 3 (2018) ----------------------------------------

_STEP_F_003 = """def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h, cache = None, None
    next_h = np.tanh(prev_h.dot(Wh) + x.dot(Wx) + b)
    cache = (x,Wx,Wh,prev_h,next_h)
    #pass
    return next_h, cache
"""
_STEP_B_003 = """def rnn_step_backward(dnext_h, cache):
    dx, dprev_h, dWx, dWh, db = None, None, None, None, None
    x, Wx, Wh, prev_h, next_h = cache
    d_tanh = 1 - next_h**2
    dx = (dnext_h*dtanh).dot(Wx.T)
    dWx = x.T.dot(dnext_h*dtanh)
    dprev_h = (dnext_h*dtanh).dot(Wh.T)
    dWh = prev_h.T.dot(dnext_h*dtanh)
    db = np.sum(dnext_h*dtanh,axis=0)# 按列相加
    #pass
    return dx, dprev_h, dWx, dWh, db
"""
_FWD_003 = (
    "def rnn_forward(x, h0, Wx, Wh, b):\n"
    "    h, cache = None, None\n"
    "    # get the size of x \n"
    "\tN,T,D = x.shape\n"
    "\t_,H = h0.shape\n"
    "\t# initialize the hidden h\n"
    "\th = np.zeors((N,T,H))\n"
    "\tcache = []\n"
    "\th_next = h0\n"
    "\tfor i in range(T):\n"
    "\t\th[:,i,:],cache_next = rnn_step_forward(x[:,i,:], h_next, Wx, Wh, b)\n"
    "\t\th_next = h[:,i,:]\n"
    "\t\tcache.append(cache_next)\n"
    "    #pass\n"
    "    return h, cache\n"
)
_FWD_003_TABS = _FWD_003.replace("\t\t", "        ").replace("\t", "    ")
_FWD_003_FIXED = _FWD_003_TABS.replace("np.zeors", "np.zeros")
_BWD_003 = """def rnn_backward(dh, cache):
    dx, dh0, dWx, dWh, db = None, None, None, None, None
    x,Wx,Wh,prev_h,nexth = cache[-1] # start from the final one
    x, Wx, Wh, prev_h, next_h = cache[-1] # start from the final one
    _,D = x.shape
    N,T,H = dh.shape
    dx = np.zeros((N,T,D)) # initialization
    dh0 = np.zeros((N,H))
    dWx = np.zeros((D,H))
    dWh = np.zeros((H,H))
    db = np.zeros(H)
    dprev_h_ = np.zeros((N,H))
    for i in range(T-1,-1,-1): # start from the final one
        dx_, dprev_h_, dWx_, dWh_, db_ = rnn_step_backward(dh[:,i,:] + dprev_h_,cache.pop())
        dx[:,i,:] = dx_
        dh0 = dprev_h_
        dWx += dWx_
        dWh += dWh_
        db += db_
    #pass
    return dx, dh0, dWx, dWh, db
"""
_LOSS_003 = """class CaptioningRNN:
    def loss(self, features, captions):
        captions_in = captions[:, :-1]
        captions_out = captions[:, 1:]
        mask = (captions_out != self._null)
        W_proj, b_proj = self.params['W_proj'], self.params['b_proj']
        W_embed = self.params['W_embed']
        Wx, Wh, b = self.params['Wx'], self.params['Wh'], self.params['b']
        W_vocab, b_vocab = self.params['W_vocab'], self.params['b_vocab']
        loss, grads = 0.0, {}
        # Word Embedding
        captions_in_emb,emb_cache = word_embedding_forward(captions_in,W_embed)
        # Affine Forward
        h_0,feature_cache = affine_forward(features,W_proj,b_proj)
        #RNN part
        h,rnn_cache = rnn_forward(captions_in_emb, h_0, Wx, Wh, b)
        # Temporal Afine
        temporal_out, temporal_cache = temporal_affine_forward(h, W_vocab, b_vocab)
        # Softloss
        loss, dout = temporal_softmax_loss(temporal_out, captions_out, mask)
        # Gradient 倒序
        dtemp, grads['W_vocab'], grads['b_vocab'] = temporal_affine_backward(dout, temporal_cache)
        drnn, dh0, grads['Wx'], grads['Wh'], grads['b'] = rnn_backward(dtemp, rnn_cache)
        dfeatures, grads['W_proj'], grads['b_proj'] = affine_backward(dh0, feature_cache)
        grads['W_embed'] = word_embedding_backward(drnn, emb_cache)
        #pass
        return loss, grads
"""
_EMB_F_003 = """def word_embedding_forward(x, W):
    out = W[x, :]
    cache = (W, x)
    return out, cache
"""
_EMB_B_003 = """def word_embedding_backward(dout, cache):
    dW = None
    W, x = cache
    dW = np.zeros_like(W)
    # add dout at the indices x TO dW
    np.add.at(dW, x, dout)
    #pass
    return dW
"""

# ---- seed 004: cross-entropy from scratch (PyTorch, written here with numpy) ---------------

_LS_004 = {
    "In [13]": "def log_softmax(x): return np.log(np.exp(x)/(np.exp(x).sum(-1, keepdims=True)))\n",
    "In [16]": "def log_softmax(x): return x - np.log(np.exp(x).sum(-1, keepdims=True))\n",
    "In [17]": (
        "def logsumexp(x):\n"
        "    m = x.max(-1)\n"
        "    return m + np.log(np.exp(x-m[:, None]).sum(-1))\n\n\n"
        "def log_softmax(x): return x - logsumexp(x)[:, None]\n"
    ),
    "In [19]": (
        "from scipy.special import logsumexp\n\n\n"
        "def log_softmax(x): return x - logsumexp(x, -1, keepdims=True)\n"
    ),
}
_NLL_004 = "def nll(inp, target): return -inp[range(target.shape[0]), target].mean()\n"

SEEDS = [
    SeedFunction(
        S000,
        "In [6], [19], [30], [58]-[61]",
        "temporal_loss",
        "temporal_softmax_loss",
        "temporal_softmax_loss",
        _TSL_000,
        about="scipy softmax, np.log of the picked probabilities times the mask",
    ),
    SeedFunction(
        S000,
        "In [13], [23]-[24], [58]-[61]",
        "temporal_loss",
        "temporal_softmax_loss_loop",
        "temporal_softmax_loss_loop",
        _TSL_LOOP_000,
        fixed=_TSL_LOOP_000.replace("if y[i, j]:", "if mask[i, j]:"),
        expect="says:loss is wrong",
        about="the loop masks with `captions_out[i, j]` (target != <NULL>, id 0) instead of the mask argument",
    ),
    SeedFunction(
        S002,
        "softmax_loss_naive",
        "softmax",
        "softmax_loss_naive",
        "softmax_loss_naive",
        _NAIVE_002,
        fixed=_NAIVE_002_FIXED,
        expect="loses",
        about="no regularisation (reg ignored) and no max shift: two bugs, no single catalogue entry",
    ),
    SeedFunction(
        S002,
        "softmax_loss_naive, regularisation added",
        "softmax",
        "softmax_loss_naive",
        "softmax_loss_naive",
        _NAIVE_002_REG,
        fixed=_NAIVE_002_FIXED,
        expect="softmax_loss_naive.no_max_shift",
        group="+reg",
        about="the one bug left once reg is added: exp overflows",
    ),
    SeedFunction(
        S002,
        "softmax_loss_vectorized",
        "softmax",
        "softmax_loss_vectorized",
        "softmax_loss_vectorized",
        _VEC_002,
        fixed=_VEC_002_FIXED,
        expect="loses",
        about="max-shifted, but reg ignored in loss and gradient",
    ),
    SeedFunction(
        S003,
        "rnn_step_forward (lines 1-32)",
        "rnn",
        "rnn_step_forward",
        "rnn_step_forward",
        _STEP_F_003,
        about="cache (x, Wx, Wh, prev_h, next_h): its own order",
    ),
    SeedFunction(
        S003,
        "rnn_step_backward (lines 1-32)",
        "rnn",
        "rnn_step_backward",
        "rnn_step_backward",
        _STEP_B_003,
        fixed=_STEP_B_003.replace("d_tanh = ", "dtanh = "),
        expect="says:name 'dtanh' is not defined",
        about="computes d_tanh, uses dtanh",
    ),
    SeedFunction(
        S003,
        "rnn_forward (lines 1-38)",
        "rnn",
        "rnn_forward",
        "rnn_forward",
        _FWD_003,
        fixed=_FWD_003_FIXED,
        expect="loses",
        about="tabs and spaces mixed (TabError in Python 3), and np.zeors",
    ),
    SeedFunction(
        S003,
        "rnn_forward (lines 1-38), tabs repaired",
        "rnn",
        "rnn_forward",
        "rnn_forward",
        _FWD_003_TABS,
        fixed=_FWD_003_FIXED,
        expect="says:zeors",
        group="+tabs",
        about="the typo np.zeors left once the indentation runs",
    ),
    SeedFunction(
        S003,
        "rnn_backward (lines 1-45)",
        "rnn",
        "rnn_backward",
        "rnn_backward",
        _BWD_003,
        about="reads the last step cache in its own order, pops the cache list",
    ),
    SeedFunction(
        S003,
        "CaptioningRNN.loss (lines 1-88)",
        "rnn",
        "CaptioningRNN",
        "CaptioningRNN.loss",
        _LOSS_003,
        about="rnn only",
    ),
    SeedFunction(
        S003,
        "word_embedding_forward (lines 1-20)",
        "temporal_loss",
        "word_embedding_forward",
        "word_embedding_forward",
        _EMB_F_003,
        about="cache (W, x)",
    ),
    SeedFunction(
        S003,
        "word_embedding_backward (lines 1-28)",
        "temporal_loss",
        "word_embedding_backward",
        "word_embedding_backward",
        _EMB_B_003,
    ),
    SeedFunction(
        S004,
        "In [19]",
        "softmax",
        "log_softmax",
        "log_softmax",
        _LS_004["In [19]"],
        about="x - x.logsumexp(-1, keepdim=True)",
    ),
    SeedFunction(
        S004,
        "In [17]",
        "softmax",
        "log_softmax",
        "log_softmax",
        _LS_004["In [17]"],
        group="logsumexp",
        about="the student's own max-shifted logsumexp",
    ),
    SeedFunction(
        S004,
        "In [13]",
        "softmax",
        "log_softmax",
        "log_softmax",
        _LS_004["In [13]"],
        fixed=_LS_004["In [19]"],
        expect="log_softmax.no_max_shift",
        about="log(exp(x) / sum(exp(x))): overflows to NaN",
    ),
    SeedFunction(
        S004,
        "In [16]",
        "softmax",
        "log_softmax",
        "log_softmax",
        _LS_004["In [16]"],
        fixed=_LS_004["In [19]"],
        expect="log_softmax.no_max_shift",
        group="+lse",
        about="x - log(sum(exp(x))) without the max",
    ),
    SeedFunction(
        S004, "In [34]", "softmax", "nll", "nll", _NLL_004, about="-inp[range(N), target].mean()"
    ),
]


def _class_cell(chapter, src):
    from students import course

    header, given = course.given_class_parts(chapter)
    body = src.split("\n", 1)[1].rstrip()
    return header + "\n" + "\n\n".join(given) + "\n\n" + body + "\n"


def _cell(s, src):
    return _class_cell(s.chapter, src) if s.cell == "CaptioningRNN" else src


def _fixed_cells(chapter, group):
    cells, about, names = {}, [], set()
    for s in SEEDS:
        if s.chapter != chapter or (s.group and s.group != group) or s.group.startswith("+"):
            continue
        if s.cell in cells and not s.group:
            continue  # a grouped version replaces the default one
        cells[s.cell] = _cell(s, s.fixed or s.found)
        about.append(f"{s.seed} {s.where}")
        names.add(s.name)
    return cells, about, tuple(sorted(names))


def students(chapter, fixed):
    """Fixed students (``fixed=True``) or ``[(Bug, Student)]`` of the functions as found."""
    groups = sorted(
        {s.group for s in SEEDS if s.chapter == chapter and not s.group.startswith("+")}
    )
    seeds = sorted({s.seed[:3] for s in SEEDS if s.chapter == chapter})
    if fixed:
        out = []
        for g in groups:
            cells, about, names = _fixed_cells(chapter, g)
            name = f"{chapter}/seed{'+'.join(seeds)}" + (f"-{g}" if g else "")
            out.append(Student(chapter, name, cells, "; ".join(about), names))
        return out
    base = students(chapter, True)[0] if groups else None
    out = []
    for s in SEEDS:
        if s.chapter != chapter or s.fixed is None:
            continue
        cells = dict(base.cells)
        cells[s.cell] = _cell(s, s.found)
        bug = Bug(s.expect, s.name, base.name, about=f"{s.seed} {s.where}: {s.about}")
        name = f"{chapter}/seed{s.seed[:3]}-found" + (s.group or "")
        out.append((bug, Student(chapter, name, cells, bug.about)))
    return out
