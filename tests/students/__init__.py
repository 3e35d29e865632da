"""Student code written the way a class writes it: the independent measure of grading fairness.

Layout::

    <chapter>/<style>.py   one complete "student" per file: every answer cell of the chapter's
                           notebook, written from the math and the docstrings in one style
                           (loops, vectorised, einsum, other cache layouts, CS231n's code...)
    <chapter>/bugs.py      student-style wrong answers, each with the mistake it should be
                           diagnosed as (a catalogue id, a named convention or Python 2 help)
    seeds.py               the graded functions found in ``/work/shared/seeds/``, as written
                           and minimally repaired
    verify/                correctness established without the grader: the student's own
                           forward against centered differences written here, and against
                           PyTorch autograd when torch is installed
    course.py              the source notebooks read as a student sees them (given cells,
                           answer cells, test cells and their graded names)
    styles.py              a style file turned into answer-cell sources; bugs applied
    kernel.py              a student's namespace: as graded (the sandbox has no earlier
                           notebook: carried layers are stand-ins) and as in the student's
                           own notebook (earlier chapters' answers carried over; verify/)
    grading.py             one verdict of today's grader on one (student, graded name)
    report.py              the fairness table against whatever grader is installed

Nothing here imports ``solutions`` (the oracle) or ``autograder.mistakes`` (the catalogue):
what is correct is decided by ``verify/``, and a bug's expected diagnosis is written as a
catalogue *id*. Only ``grading.py`` asks the grader (and looks that id's hint up, since the
hint text belongs to the catalogue).
"""
