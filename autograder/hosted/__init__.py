"""Autograders for hosted platforms, built from the same grader as the batch.

``python -m autograder gradescope <id> -o DIR`` and ``python -m autograder prairielearn
<id> -o DIR``. Modules:

``bundle``        what a context carries: grader source, ``assignment.json``, pinned requirements
``runtime``       one submission graded in the container (same core; sandbox or announced fallback)
``gradescope``    the zip (``setup.sh``, ``run_autograder``) and Gradescope's ``results.json``
``prairielearn``  the image context (``Dockerfile``, ``entrypoint``), PrairieLearn's results
"""
