"""Grading: hidden-test specs, the ``grade()`` API, diagnosis, nbgrader integration."""
