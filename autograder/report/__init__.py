"""``python -m autograder report <id> [<id> ...]``: what the class got wrong, after grading.

Reads the gradebook (scores per student per graded cell, manual scores included) and the
typed grading results both front doors store (:mod:`autograder.results`), and writes
``reports/<id>.html`` (self-contained: inline CSS, plots as embedded PNG, no script, no
request to any host) plus the same numbers as CSV files in ``reports/<id>/``.

Modules, in the order data flows:

``load``       the gradebook and the stored results of one assignment -> :class:`ClassData`
``aggregate``  the typed :class:`ClassReport`: score distributions, grading time
``failures``   ranked mistakes, unmatched failures grouped, robustness incidents by cause
``book``       the book section that teaches each catalogue function (link targets)
``tables``     aggregates -> :class:`Table` of typed values, written as HTML and as CSV
``plots``      matplotlib figures as base64 PNG
``html``       the page (Jinja2, autoescaped); ``csvfiles`` the CSV files
``write``      one assignment's page and CSV files
``cli``        the subcommand: arguments, ``--group``, exit status

Student ids appear only with ``--names``: the default report is safe to share with TAs.
"""
