"""Exercise checkers for every notebook; students call :func:`check`.

One module per notebook, named after it: ``basics/01`` → ``aiotkit/exercises/basics_01.py``.
Modules are imported lazily: ``check("basics/01", …)`` loads only ``basics_01.py``, and
:func:`registry` loads them all (for the tests and the grader).
"""

from aiotkit.exercises.core import CheckResult, check, load_checkers, registry, run_check

__all__ = ["CheckResult", "check", "load_checkers", "registry", "run_check"]
