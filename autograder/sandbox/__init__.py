"""Hardened grading: run a submitted notebook in a bubblewrap sandbox, judge outside it.

Modules (one job each):

``wire``      framing and a plain-data codec (arrays, numbers, strings, containers; no pickle)
``jail``      the bubblewrap command line (or the weak fallback) and resource limits
``limits``    the knobs: timeouts, memory, processes, output caps
``guest``     the cell runner that runs *inside* the sandbox (student code lives here)
``guest_io``  capped output capture inside the sandbox (streams, displays, figures, errors)
``guest_grade`` the in-sandbox ``grade()`` backend: collect outputs, proxy reference calls
``host``      the grader side of one sandbox session: send cells, serve reference calls
``cells``     IPython syntax to plain Python, and which names a grade cell grades
``verdict``   judge collected outputs with :mod:`autograder.grader`, write cell outputs
``restore``   rebuild a submission's nbgrader structure from the source (faults)
``run``       grade one notebook end to end (used by nbgrader and by the batch CLI)
"""
