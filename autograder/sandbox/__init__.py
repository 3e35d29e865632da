"""Isolation: run student code in a bubblewrap sandbox and talk to it in plain data.

Modules (one job each; the notebook pipeline that uses them is :mod:`autograder.notebook`):

``wire``        framing and a plain-data codec (arrays, numbers, strings, containers; no pickle)
``jail``        the bubblewrap command line (or the weak fallback) and what is staged inside
``limits``      the knobs (a traitlets ``Configurable``): timeouts, memory, processes, output caps
``guest``       the cell runner that runs *inside* the sandbox (student code lives here)
``guest_io``    capped output capture inside the sandbox (streams, displays, figures, errors)
``guest_grade`` the in-sandbox ``grade()`` backend: collect outputs, proxy reference calls
``host``        the grader side of one sandbox session: send cells, serve reference calls
"""
