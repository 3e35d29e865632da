"""The ``grade()`` backend inside the sandbox: collect the student's outputs, judge nothing.

:func:`install` points :func:`autograder.api.grade` at :func:`backend`, which runs the
spec's hidden cases on the student's objects (:func:`autograder.collect.collect`) and
sends the plain outputs to the grader. A composite is collected twice, both runs in one
message: with the student's own sub-functions, and with the reference ones swapped into
the student's globals as *proxies* (each call goes to the grader, which runs the
reference, only for the names the current cell's graded names declare in ``Spec.swap``,
and sends back plain arrays); when the runs disagree, the student's sub-functions are
collected on their own cases too, so the judge can name the cause. No reference code,
expected value or verdict exists in here.
"""

import builtins

from autograder import api, collect, specs

_channel = None  # (send, recv), set by install()


def _reference_proxy(fname):
    def reference(*args, **kwargs):
        send, recv = _channel
        send({"t": "ref", "fn": fname, "args": list(args), "kwargs": kwargs})
        reply = recv()
        if type(reply) is dict and reply.get("t") == "ref_ok":
            return reply.get("value")
        etype = getattr(builtins, str(reply.get("etype")), None) if type(reply) is dict else None
        if not (isinstance(etype, type) and issubclass(etype, Exception)):
            etype = RuntimeError
        raise etype(str(reply.get("msg", "reference call failed")) if type(reply) is dict else "")

    reference.__name__ = reference.__qualname__ = fname
    return reference


def backend(name, obj):
    """Collect ``obj``'s outputs on every hidden case of ``name`` and send them out."""
    spec = specs.get(name)
    swap = {s: _reference_proxy(s) for s in spec.swap}
    result = collect.collect(name, obj, swap)
    send, _ = _channel
    send(result.to_wire())


def install(send, recv):
    global _channel
    _channel = (send, recv)
    api.set_backend(backend)
