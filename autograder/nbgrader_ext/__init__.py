"""The nbgrader front door of the grading core (one preprocessor per module).

``config.apply(c)`` in ``nbgrader_config.py`` switches ``nbgrader autograde`` and
``generate_feedback`` to them:

``exporter``       ``TolerantNotebookExporter``: unreadable submissions become a clear zero
``restore_cells``  ``RestoreCells`` (sanitize): the structure restored from the source
``execute``        ``HardenedExecute`` (autograde): :mod:`autograder.notebook`, then the store
``hide_tests``     ``HideHiddenTests``: no hidden tests in graded notebooks or feedback
``utils``          what they share: course directory, hidden-test delimiters, log names
"""
