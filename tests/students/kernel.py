"""A student's notebook namespace, built like the kernel's.

The notebook's setup cells (imports and given code) run first, then the student's answer
cells in notebook order. A cell that does not compile or raises leaves its names undefined,
as in the notebook. Nothing here asks the grader.
"""

import functools

from students import course


@functools.cache
def _build(student):
    ch = course.chapter(student.chapter)
    ns = {"__name__": "__main__"}
    for i, src in enumerate(ch.setup):
        exec(compile(src, f"<setup cell {i}>", "exec"), ns)  # noqa: S102 - the course's code
    errors = {}
    for gid in ch.answers:
        src = student.cells.get(gid)
        if src is None:
            continue
        try:
            exec(compile(src, f"<{student.name} {gid}>", "exec"), ns)  # noqa: S102
        except Exception as e:  # the student's cell failed: its names stay undefined
            errors[gid] = f"{type(e).__name__}: {e}"
    return ns, errors


def namespace(student):
    """The (shared, cached) globals of ``student``'s kernel after every answer cell ran."""
    return _build(student)[0]


def cell_errors(student):
    """``{grade_id: error}`` of the student's answer cells that did not run."""
    return dict(_build(student)[1])
