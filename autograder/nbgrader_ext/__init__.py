"""nbgrader integration of the hardened grader (one preprocessor per module).

``config.apply(c)`` switches ``nbgrader autograde`` / ``generate_feedback`` to them.
"""
