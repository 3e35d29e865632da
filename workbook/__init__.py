"""What students receive besides the notebooks: gradient-checking tools, data, plots.

Never imports ``solutions`` or ``autograder``: this package is shipped into the
student release and into the grading sandbox.
"""
