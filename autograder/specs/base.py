"""What a hidden-test spec is, what a graded name resolves to, and helpers for writing cases.

A spec module ``autograder/specs/<chapter>.py`` defines ``SPECS = {name: Spec}``.
A *case* is ``case(rng, impl) -> dict`` of named outputs: it draws sizes and
inputs from ``rng`` (its own seeded ``numpy.random.Generator``; never the
global RNG), calls the functions it needs as ``impl.<name>`` (forward, then
backward through the returned cache) and returns every output worth checking,
named as a student would say it (``"dWh"``, ``"grads['W_embed']"``).
The grader calls the same case once with the reference objects and once with
the student's, on identically seeded generators, and compares. Specs never
import ``solutions``.

A graded name (``"CaptioningRNN.loss:lstm"``) is split once, by :func:`parse`, into a
:class:`Target`; :func:`autograder.specs.resolve` adds its chapter and spec and returns
the :class:`Graded` object that collect, grader, diagnosis and the mistake catalogue
pass around.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from autograder.outputs import GradingFailure


@dataclass(frozen=True)
class Spec:
    """How one graded name is tested.

    case : ``case(rng, impl) -> dict[str, array or number]``.
    uses : names the case calls on ``impl``. The graded object fills the slot
        named like the graded name (``"CaptioningRNN"`` for its methods); the
        others (a backward's forward) are the student's own, looked up in the
        graded function's globals (the notebook namespace).
    swap : sub-functions the graded code may call. It is graded twice when it has
        any: with the student's own sub-functions, and with the reference ones put
        into its globals; it passes when either run does (a bug costs points once).
    tol : largest accepted relative error (CS231n's ``rel_error``).
    cases : how many seeded cases (each with its own random sizes).
    axes : what each axis of an output means, for locating an error: ``"NTH"`` (the
        ``T`` axis is time), ``"DG"`` (``G`` is the LSTM's 4H gate axis, blocks i, f, o, g).
    proxy : ``proxy(reference) -> callable``: how this name's reference is called when it is
        swapped into a composite, for calls a student's own version accepts beyond the
        graded signature (``logsumexp(f, axis=-1, keepdims=True)``); ``None``: as it is.
    forward : names of ``uses`` that only make the graded function's inputs (a backward's
        forward, whose cache it reads). When the run with the student's own forward fails
        and that forward fails its own hidden test, the run with the reference forward
        counts (a forward bug costs the backward nothing). Added to ``swap`` (the sandbox
        serves only swap names).
    """

    case: Callable
    uses: tuple
    swap: tuple = ()
    tol: float = 1e-6
    cases: int = 3
    axes: dict = field(default_factory=dict)
    proxy: Callable | None = None
    forward: tuple = ()

    def __post_init__(self):
        if not set(self.forward) <= set(self.uses):
            raise ValueError(f"forward {self.forward} must be among uses {self.uses}")
        extra = tuple(f for f in self.forward if f not in self.swap)
        object.__setattr__(self, "swap", (*self.swap, *extra))


@dataclass(frozen=True)
class Target:
    """A name split into its parts: ``CaptioningRNN.loss:lstm`` -> slot ``CaptioningRNN``,
    method ``loss``, variant ``lstm`` (``None`` when a part is absent)."""

    slot: str
    method: str | None = None
    variant: str | None = None

    @property
    def qualname(self):
        """``"CaptioningRNN.loss"``: the reference object, without the variant."""
        return f"{self.slot}.{self.method}" if self.method else self.slot


def parse(name):
    """The :class:`Target` of ``name`` (the one place where a name is split)."""
    base, _, variant = name.partition(":")
    slot, _, method = base.partition(".")
    return Target(slot, method or None, variant or None)


@dataclass(frozen=True, eq=False)  # one object per name (cached): identity is equality
class Graded:
    """A graded name, resolved once: the name as written, its parts, chapter and spec."""

    name: str
    target: Target
    chapter: str
    spec: Spec

    @property
    def slot(self):
        return self.target.slot

    @property
    def method(self):
        return self.target.method

    @property
    def variant(self):
        return self.target.variant

    @property
    def qualname(self):
        return self.target.qualname

    @property
    def shown(self):
        """How messages name it: ``CaptioningRNN.loss cell_type=lstm``."""
        return f"{self.qualname} cell_type={self.variant}" if self.variant else self.qualname


def sizes(rng, **ranges):
    """Random sizes, ``sizes(rng, N=(2, 5), D=(3, 7))`` -> ``(N, D)``, bounds inclusive."""
    return tuple(int(rng.integers(lo, hi + 1)) for lo, hi in ranges.values())


def randn(rng, *shape, scale=1.0):
    """Standard normal float64 array (times ``scale``)."""
    return scale * rng.standard_normal(shape)


def unpack(fname, result, names):
    """Split a returned tuple into ``names``; a wrong count is a clear failure."""
    n = len(names)
    if n == 1:
        return (result,)
    if type(result) not in (tuple, list) or len(result) != n:
        got = f"{len(result)} values" if type(result) in (tuple, list) else type(result).__name__
        raise GradingFailure(f"{fname} must return {n} values ({', '.join(names)}), got {got}")
    return tuple(result)
