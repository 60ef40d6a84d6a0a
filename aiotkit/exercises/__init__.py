"""Exercise checkers for every notebook; students call :func:`check`.

One module per notebook, named after it: ``basics/01`` → ``aiotkit/exercises/basics_01.py``.
Every such module is imported here, so its ``@register`` checkers are known to ``check``.
"""

import importlib
import pkgutil

from aiotkit.exercises.core import CheckResult, check, registry, run_check

for _info in pkgutil.iter_modules(__path__):
    if _info.name != "core":
        importlib.import_module(f"{__name__}.{_info.name}")

__all__ = ["CheckResult", "check", "registry", "run_check"]
