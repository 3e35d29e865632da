"""Grading on a Dask distributed cluster: ``python -m autograder grade <id> --scheduler ADDR``.

The batch's plan, store, commit, journal and report are unchanged (:mod:`autograder.batch`);
only the executor differs. Modules:

``check``     may this worker grade: the client's grader digest, a real sandbox (``Admit``)
``task``      what travels to a worker (``Task``, ``Setup``) and ``grade_task`` there
``executor``  ``DaskExecutor``: connect or start a ``LocalCluster``, admit, submit, collect
"""
