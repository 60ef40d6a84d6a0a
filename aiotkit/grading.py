"""Grade exercise notebooks: ``make grade SUBMISSIONS=dir/`` and ``make progress``.

How a submission is graded (``make grade``):

1. **Requests** (grader): each exercise's checker is run on the reference answer
   (tests/solutions) with a recorder; the arguments of every call it makes are written down,
   on inputs seeded afresh for this grading run (see ``--seed``).
2. **Probe** (sandbox, :mod:`aiotkit.sandbox`): the notebook runs top to bottom inside
   bubblewrap, with the student release of ``aiotkit`` (no checker, no reference answer). When it
   reaches ``check(nb, n, fn)``, ``fn`` is called on the requested arguments and what happened is
   written as plain data (:mod:`aiotkit.probe`, in the format of :mod:`aiotkit.transcript`).
3. **Judge** (grader): the transcript is loaded with ``torch.load(weights_only=True)`` (size
   capped; nothing in it can run code), and the real checker runs in the grader's process with a
   replayer in place of the student's function: the replayer verifies that each call's arguments
   are the requested ones and returns what the student's function returned. Rule checks that read
   the student's code (``used_names``) see the functions compiled — never run — from the
   submitted notebook's source. Nothing the student's process prints or writes is a verdict.

Verdicts:

- ``passed`` / ``failed`` / ``not_attempted`` / ``checker_error`` — what the judge said;
- ``unverified`` — the transcript cannot be judged outside the sandbox (a result that is not
  plain data, arguments that differ from the requested ones, no function definition in the
  notebook's source, no reference answer): never passed; grade it by hand;
- ``errored``   — the notebook raised (or was killed for memory/disk) before this check ran;
- ``timed_out`` — the notebook ran past its time limit before this check ran;
- ``invalid``   — the file is not a readable notebook (corrupt JSON, wrong format);
- ``missing``   — the notebook ran, but never called the check for this exercise.

``make progress`` (a student checking their own notebooks) runs without the sandbox and takes
the verdicts that ``check`` prints in the student's own kernel.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import contextlib
import csv
import hashlib
import io
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import types
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiotkit.paths import project_root

_log = logging.getLogger(__name__)  # replay details for the grader's developers (DEBUG)

__all__ = [
    "Grade",
    "Recorder",
    "curriculum_notebooks",
    "grade_notebook",
    "grade_submissions",
    "main",
    "notebook_checks",
    "write_feedback",
]

NOTEBOOK_DIRS = ("basics", "models", "training", "advanced", "aiot_applications")
VERDICTS = (
    "passed",
    "failed",
    "not_attempted",
    "checker_error",
    "unverified",
    "errored",
    "timed_out",
    "invalid",
    "missing",
)
MAX_TRANSCRIPT = 64 * 1024**2
MAX_STATUS = 64 * 1024
_EXIT_CELL_ERROR = 3


@dataclass(frozen=True)
class Grade:
    """One row of grades.csv."""

    student: str
    notebook: str
    exercise: int
    verdict: str
    message: str


def curriculum_notebooks(root: Path | None = None) -> dict[str, str]:
    """Map each curriculum notebook file name to its exercise key, e.g.
    ``"01_tensors_and_autograd.ipynb" → "basics/01"``."""
    root = root or project_root()
    names: dict[str, str] = {}
    for folder in NOTEBOOK_DIRS:
        for path in sorted((root / folder).glob("*.ipynb")):
            names[path.name] = f"{folder}/{path.name[:2]}"
    return names


def _exercises(key: str) -> list[int]:
    """The exercise numbers of one notebook (imports only that notebook's checker module, so a
    broken module of another notebook cannot stop this one's grading)."""
    from aiotkit.exercises.core import _REGISTRY, load_checkers

    load_checkers(key)
    return sorted(number for notebook, number in _REGISTRY if notebook == key)


def _clean(text: Any, limit: int = 300) -> str:
    """One printable line: no terminal colour codes, no control characters, at most ``limit``."""
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", str(text))
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the notebook's source, read (compiled, never run) by the grader ---------------------------

_MAGIC = re.compile(r"^\s*[%!?]")
_STATIC_MODULES = {
    "torch",
    "numpy",
    "math",
    "random",
    "functools",
    "itertools",
    "collections",
    "operator",
    "typing",
    "scipy",
    "sklearn",
    "aiotkit",
}


def _python_source(source: str) -> str:
    """A cell's source with IPython magics and shell escapes blanked (line numbers kept)."""
    return "\n".join("" if _MAGIC.match(line) else line for line in source.splitlines())


def _code_cells(nb: Any) -> list[str]:
    return [_python_source(c.source) for c in nb.cells if c.cell_type == "code"]


def notebook_checks(nb: Any) -> list[tuple[int | None, str, int]]:
    """``check("…", n, name)`` calls in the notebook: (n, name, code-cell index)."""
    found = []
    for index, source in enumerate(_code_cells(nb)):
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "check"
                and len(node.args) == 3
            ):
                number = node.args[1]
                name = node.args[2]
                found.append(
                    (
                        number.value if isinstance(number, ast.Constant) else None,
                        name.id if isinstance(name, ast.Name) else "",
                        index,
                    )
                )
    return found


def static_function(nb: Any, name: str, before: int) -> types.FunctionType | None:
    """The student's function ``name`` as defined (last) in code cells ``0..before``, compiled
    from the source but never executed, with a namespace of the notebook's other functions and
    its imports of library modules, for the rule checks (``used_names``)."""
    cells = _code_cells(nb)[: before + 1]
    namespace: dict[str, Any] = {}
    rebound: set[str] = set()  # names last bound by something other than a `def`
    for source in cells:
        try:
            tree = ast.parse(source)
            code = compile(tree, "<notebook>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            continue
        functions = {c.co_firstlineno: c for c in code.co_consts if isinstance(c, types.CodeType)}
        for node in tree.body:  # in order: a later `name = …` hides an earlier `def name`
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                found = functions.get(first)
                if found is not None and not node.decorator_list:
                    namespace[node.name] = types.FunctionType(found, namespace, node.name)
                    rebound.discard(node.name)
                else:
                    rebound.add(node.name)  # a decorator may replace the function
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                _static_import(node, namespace)
            stored = {
                n.id
                for n in ast.walk(node)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            }
            stored |= {
                a.asname or a.name.split(".")[0]
                for a in getattr(node, "names", [])
                if isinstance(a, ast.alias)
            }
            if isinstance(node, ast.ClassDef):
                stored.add(node.name)
            if name in stored:
                rebound.add(name)
    if name in rebound:
        return None
    function = namespace.get(name)
    return function if isinstance(function, types.FunctionType) else None


def _static_import(node: ast.Import | ast.ImportFrom, namespace: dict[str, Any]) -> None:
    import importlib

    with contextlib.suppress(Exception):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in _STATIC_MODULES:
                    module = importlib.import_module(alias.name)
                    if alias.asname:
                        namespace[alias.asname] = module
                    else:
                        top = alias.name.split(".")[0]
                        namespace[top] = importlib.import_module(top)
        elif node.module and node.level == 0 and node.module.split(".")[0] in _STATIC_MODULES:
            module = importlib.import_module(node.module)
            for alias in node.names:
                if alias.name != "*" and hasattr(module, alias.name):
                    namespace[alias.asname or alias.name] = getattr(module, alias.name)


# --- requests (recorder on the reference) and judgement (replayer) -----------------------------


class Recorder:
    """Stands in for an answer while a checker runs: records each call's arguments (and, with
    ``keep_results``, what ``target`` returned); ``problem`` says why recording was impossible."""

    def __init__(self, target: Any, keep_results: bool = False) -> None:
        self.__wrapped__ = target
        self.keep_results = keep_results
        self.calls: list[dict] = []
        self.problem: str | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from aiotkit.transcript import Unencodable, encode, rng_state, snapshot

        try:
            call = {
                "args": encode(list(args), callables=True),
                "kwargs": encode(kwargs, callables=True),
                "rng": rng_state(),
                "tmp": snapshot(_TMPBASE[-1] if _TMPBASE else None),
            }
        except Unencodable as exc:
            self.problem = f"인자가 평범한 데이터가 아닙니다 ({exc})"
            call = None
        if call is not None:
            self.calls.append(call)  # before the call: a call that raises is a request too
        try:
            result = self.__wrapped__(*args, **kwargs)
        except Exception as exc:
            if call is not None:
                call["rng_after"] = rng_state()
                call["raises"] = type(exc).__name__
            raise
        if call is not None:
            call["rng_after"] = rng_state()
            if self.keep_results:
                try:
                    call["result"] = encode(result)
                except Unencodable as exc:
                    self.problem = f"결과가 평범한 데이터가 아닙니다 ({exc})"
        return result


class _ReplayStop(BaseException):
    """Raised by the replayer when the transcript cannot answer the checker's call."""


def _same(a: Any, b: Any) -> bool:
    """Structural equality of two encodings (tensors compared exactly, NaN equal to NaN)."""
    import torch

    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return (
            isinstance(a, torch.Tensor)
            and isinstance(b, torch.Tensor)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and bool(
                torch.equal(a, b)
                or torch.equal(a.isnan(), b.isnan())
                and torch.equal(a.nan_to_num(0), b.nan_to_num(0))
            )
        )
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if a is None or b is None:
        return a is b
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and a != a:
        return b != b
    return a == b


def _close(a: Any, b: Any) -> bool:
    """Floating-point tensors within a rounding error (1e-5 relative), everything else exact."""
    import torch

    if not (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)):
        return False
    if a.dtype != b.dtype or a.shape != b.shape or not a.is_floating_point():
        return False
    return bool(torch.allclose(a, b, rtol=1e-5, atol=1e-7, equal_nan=True))


def _same_call(a: Any, b: Any) -> bool:
    """Like :func:`_same`, but shipped functions only need the same code (their closures hold
    the checker's own bookkeeping, e.g. a list of calls), and floating-point tensors may differ
    by rounding: a correct answer that rounds differently from the reference leaves the
    checker's next inputs a few ulp away from the recorded ones."""
    if isinstance(a, tuple) and a and a[0] == "fn":
        return isinstance(b, tuple) and len(b) == len(a) and b[0] == "fn" and a[1] == b[1]
    if _close(a, b):
        return True
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same_call(x, y) for x, y in zip(a, b, strict=True))
    return _same(a, b)


def _first_difference(a: Any, b: Any, where: str = "") -> str:
    """Where two encodings first differ (for debugging the grader)."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if not _same_call(x, y):
                return _first_difference(x, y, f"{where}/{i}")
    return f"{where}: {str(a)[:200]} != {str(b)[:200]}"


_BUILTIN_ERRORS = {
    name: value
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, Exception)
}


def _mutable(value: Any) -> bool:
    """Whether :func:`_apply` changes ``value`` in place (else the holder is re-bound)."""
    import numpy as np
    import torch

    kinds = (torch.Tensor, np.ndarray, list, dict, torch.nn.Module, torch.optim.Optimizer)
    return isinstance(value, kinds) or type(value).__module__.startswith("aiotkit.")


def _apply(original: Any, after: Any) -> None:
    """Make the checker's argument look like the student's after the call (in-place changes)."""
    import numpy as np
    import torch

    from aiotkit.transcript import RecordedObject

    if isinstance(original, torch.nn.Module) and isinstance(after, torch.nn.Module):
        _apply_module(original, after)
    elif isinstance(original, torch.optim.Optimizer) and isinstance(after, torch.optim.Optimizer):
        _apply_optimizer(original, after)
    elif isinstance(after, RecordedObject) and hasattr(original, "__dict__"):
        for name, value in after.items():
            mine = original.__dict__.get(name)
            if _mutable(mine):
                _apply(mine, value)
            else:
                original.__dict__[name] = value
    elif isinstance(original, torch._C.Generator) and isinstance(after, torch._C.Generator):
        original.set_state(after.get_state())
    elif isinstance(original, torch.Tensor) and isinstance(after, torch.Tensor):
        same = original.shape == after.shape and original.dtype == after.dtype
        if not (same and torch.equal(original.detach().cpu(), after.detach())):
            with torch.no_grad():  # only a real change: a copy would bump the version counter
                if same:
                    original.copy_(after)
                else:
                    original.data = after.detach().to(original.device)
        if original.is_leaf:
            if after.requires_grad != original.requires_grad and (
                original.is_floating_point() or not after.requires_grad
            ):
                original.requires_grad_(after.requires_grad)
            original.grad = after.grad
    elif isinstance(original, np.ndarray) and isinstance(after, np.ndarray):
        if original.shape == after.shape:
            original[...] = after
    elif isinstance(original, list) and isinstance(after, list):
        if len(original) == len(after):
            for i, (o, a) in enumerate(zip(original, after, strict=True)):
                if _mutable(o):
                    _apply(o, a)
                else:
                    original[i] = a
        else:
            original[:] = after
    elif isinstance(original, tuple) and isinstance(after, tuple) and len(original) == len(after):
        for o, a in zip(original, after, strict=True):
            _apply(o, a)
    elif isinstance(original, dict) and isinstance(after, dict):
        if original.keys() == after.keys():
            for k in original:
                if isinstance(original[k], (torch.Tensor, np.ndarray, list, dict, tuple)):
                    _apply(original[k], after[k])
                else:
                    original[k] = after[k]
        else:
            original.clear()
            original.update(after)


def _apply_tensor_slot(slots: dict, name: str, after: Any, parameter: bool) -> None:
    """Make ``slots[name]`` (a module's parameter or buffer) hold ``after``'s value and grad."""
    import torch

    original = slots.get(name)
    if after is None or original is None or original.shape != after.shape:
        slots[name] = (
            after
            if after is None or not parameter
            else torch.nn.Parameter(after.detach(), requires_grad=after.requires_grad)
        )
        if parameter and after is not None:
            slots[name].grad = after.grad
        return
    _apply(original, after)


def _apply_module(original: Any, after: Any) -> None:
    """Copy a module's state after the student's call (parameters, grads, buffers, training
    flags, plain attributes, hooks, children) into the checker's module."""
    for name, value in after.__dict__.items():
        if name not in ("_parameters", "_buffers", "_modules", "_non_persistent_buffers_set"):
            if "hook" in name and isinstance(value, dict):
                if len(value) != len(original.__dict__.get(name, {})):
                    original.__dict__[name] = value
            elif name not in ("_flat_weights", "_flat_weight_refs"):
                original.__dict__[name] = value
    for slots, new, parameter in (
        (original._parameters, after._parameters, True),
        (original._buffers, after._buffers, False),
    ):
        for name in [n for n in slots if n not in new]:
            del slots[name]
        for name, value in new.items():
            _apply_tensor_slot(slots, name, value, parameter)
    original._non_persistent_buffers_set = set(after._non_persistent_buffers_set)
    for name in [n for n in original._modules if n not in after._modules]:
        del original._modules[name]
    for name, child in after._modules.items():
        mine = original._modules.get(name)
        if (
            mine is None
            or child is None
            or type(child) is not type(mine)
            and type(child).__module__ != "torch.nn.modules.module"
        ):
            original._modules[name] = child
        else:
            _apply_module(mine, child)
    if hasattr(original, "_init_flat_weights"):
        original._init_flat_weights()


def _apply_optimizer(original: Any, after: Any) -> None:
    """Copy an optimizer's hyper-parameters and state after the student's call."""
    mine = [p for group in original.param_groups for p in group["params"]]
    theirs = [p for group in after.param_groups for p in group["params"]]
    if len(mine) != len(theirs) or len(original.param_groups) != len(after.param_groups):
        return
    for group, new in zip(original.param_groups, after.param_groups, strict=True):
        group.update({k: v for k, v in new.items() if k != "params"})
    position = {id(p): i for i, p in enumerate(theirs)}
    original.state.clear()
    for param, held in after.state.items():
        if id(param) in position:
            original.state[mine[position[id(param)]]] = held


def _connect(result: Any, jacobians: Any, inputs: list) -> Any:
    """Give a replayed tensor the student's gradient: ``result`` plus ``J·(x − x.detach())`` for
    each input ``x`` (zero in value, Jacobian ``J`` in backward), from the transcript."""
    import torch

    if not isinstance(jacobians, list) or not isinstance(result, torch.Tensor):
        return result
    if len(jacobians) != len(inputs) or not result.is_floating_point():
        return result
    out = result.detach()
    for jacobian, tensor in zip(jacobians, inputs, strict=True):
        if not isinstance(jacobian, torch.Tensor):
            continue
        if jacobian.shape != (result.numel(), tensor.numel()):
            return result
        delta = (tensor - tensor.detach()).reshape(-1).to(jacobian.dtype)
        out = out + (jacobian @ delta).reshape(result.shape).to(result.dtype)
    return out


def _untouched(after: Any, request: dict) -> tuple[set[int], set[Any]]:
    """The positional indices and keyword names whose encoding after the student's call equals
    the requested one (the student's function did not change them)."""
    try:
        (_, [(_, args_after), (_, kwargs_after)]) = after
        (_, args_asked), (_, kwargs_asked) = request["args"], request["kwargs"]
        same = {
            i for i, (x, y) in enumerate(zip(args_after, args_asked, strict=False)) if _same(x, y)
        }
        asked = {k[1] if isinstance(k, tuple) and len(k) == 2 else k: v for k, v in kwargs_asked}
        same_kw = {
            key[1]
            for key, value in kwargs_after
            if isinstance(key, tuple)
            and len(key) == 2
            and key[1] in asked
            and _same(value, asked[key[1]])
        }
        return same, same_kw
    except (TypeError, ValueError, KeyError):
        return set(), set()


class Replayer:
    """Stands in for the student's function while the checker runs in the grader's process:
    checks each call's arguments against the request, replays the student's in-place changes
    and calls to callables it received, and returns what the student's function returned."""

    def __init__(self, requests: list[dict], calls: list[dict], source: Any) -> None:
        self.requests, self.calls = requests, calls
        self.count = 0
        self.problem: str | None = None
        self.changed: list[str] = []
        if source is not None:
            self.__wrapped__ = source  # used_names / rule checks read the notebook's source

    def _stop(self, why: str) -> _ReplayStop:
        self.problem = why
        return _ReplayStop(why)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from aiotkit.transcript import (
            _ARGTARGETS,
            Unencodable,
            arg_objects,
            callables_in,
            decode,
            encode,
            grad_leaves,
            restore,
            set_rng_state,
        )

        index = self.count
        self.count += 1
        if index >= len(self.requests) or index >= len(self.calls):
            raise self._stop("채점기가 기록보다 많은 호출을 했습니다")
        try:
            asked = [encode(list(args), callables=True), encode(kwargs, callables=True)]
        except Unencodable as exc:
            raise self._stop(f"인자를 기록할 수 없습니다 ({exc})") from None
        request = self.requests[index]
        if not _same_call(asked, [request["args"], request["kwargs"]]):
            _log.debug("replay: %s", _first_difference(asked, [request["args"], request["kwargs"]]))
            raise self._stop(f"{index + 1}번째 호출의 인자가 요청과 다릅니다")
        record = self.calls[index]
        try:
            functions = callables_in([list(args), kwargs])
            for position, packed in record["callbacks"]:
                cb_args, cb_kwargs = decode(packed)
                with contextlib.suppress(Exception):
                    functions[position](*cb_args, **cb_kwargs)
            after_args, after_kwargs = decode(record["after"])
            same_args, same_kwargs = _untouched(record["after"], request)
            for position, (original, after) in enumerate(zip(args, after_args, strict=False)):
                if position not in same_args:  # left as requested: nothing to replay
                    _apply(original, after)
            for name in kwargs:
                if name not in same_kwargs and name in after_kwargs:
                    _apply(kwargs[name], after_kwargs[name])
            self.changed += [_clean(c) for c in record["changed"]][:5]
        except _ReplayStop:
            raise
        except Exception as exc:  # noqa: BLE001 — a malformed transcript
            raise self._stop(f"기록 형식이 잘못되었습니다 ({type(exc).__name__})") from None
        if "unencodable" in record:
            raise self._stop(
                f"반환값을 채점기 밖에서 판정할 수 없습니다: {_clean(record['unencodable'])}"
            )
        if "error" in record:
            name, message, stub = record["error"]
            kind = _BUILTIN_ERRORS.get(str(name), RuntimeError)
            text = _clean(message) if kind is not RuntimeError else _clean(f"{name}: {message}")
            error = kind(text.split(": ", 1)[-1] if kind is not RuntimeError else text)
            if stub is True and kind is NotImplementedError:
                error._aiot_stub = True  # type: ignore[attr-defined]
            error._aiot_replayed = True  # type: ignore[attr-defined] # the student's error
            raise error
        try:
            _ARGTARGETS.append(arg_objects([list(args), kwargs]))
            try:
                result = decode(record["result"])
            finally:
                _ARGTARGETS.pop()
            if "rng_after" in request:  # the checker goes on from the state it recorded
                set_rng_state(request["rng_after"])
            if _TMPBASE:  # the files the student's call left in the checker's folder
                restore(_TMPBASE[-1], record.get("tmp", []))
        except Exception as exc:  # noqa: BLE001
            _log.debug("replay result: %s: %s", type(exc).__name__, exc)
            raise self._stop("반환값 기록이 잘못되었습니다") from None
        return _connect(result, record.get("jacobians"), grad_leaves([list(args), kwargs]))


_TMPBASE: list[str] = []


def tmp_base() -> Path:
    """The folder where checkers' temporary files go while grading (one per grader process)."""
    return Path(tempfile.gettempdir()) / f"aiot_check_{os.getpid()}"


class _Names:
    """Temporary names t1, t2, … (instead of random ones) while a checker runs."""

    def __init__(self) -> None:
        self.count = 0

    def __iter__(self) -> _Names:
        return self

    def __next__(self) -> str:
        self.count += 1
        return f"t{self.count}"


@contextlib.contextmanager
def fixed_tempdirs() -> Iterator[None]:
    """While a checker runs for grading (recording or judging), its temporary files get the same
    names each time, in a fresh folder of this process: a path that the checker passes to the
    student's function is then the same string when the judge replays the call (the sandbox
    recreates it in its own /tmp)."""
    base = tmp_base()
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(mode=0o700)
    _TMPBASE.append(str(base))
    saved = tempfile.tempdir, tempfile._name_sequence  # type: ignore[attr-defined]
    tempfile.tempdir, tempfile._name_sequence = str(base), _Names()  # type: ignore[attr-defined]
    try:
        yield
    finally:
        tempfile.tempdir, tempfile._name_sequence = saved  # type: ignore[attr-defined]
        _TMPBASE.pop()
        shutil.rmtree(base, ignore_errors=True)


def make_requests(key: str, numbers: list[int], salt: int) -> dict[int, dict | str]:
    """For each exercise: ``{"notebook", "number", "salt", "calls"}`` or why there is none."""
    from aiotkit.exercises.core import _REGISTRY, run_check
    from aiotkit.release import reference
    from aiotkit.transcript import salted_seeds

    out: dict[int, dict | str] = {}
    for number in numbers:
        checker = _REGISTRY.get((key, number))
        if checker is not None and checker.not_replayable:
            out[number] = f"채점기 밖에서 판정할 수 없는 실습입니다: {checker.not_replayable}"
            continue
        ref = reference(key, number)
        if ref is None:
            out[number] = "참고 답안(tests/solutions)이 없어 채점 입력을 만들 수 없습니다"
            continue
        used = salt
        for used in (salt, 0) if salt else (0,):
            recorder = Recorder(ref)
            with salted_seeds(used), fixed_tempdirs():
                result = run_check(key, number, recorder)
            if result.passed and recorder.problem is None:
                break
        if not result.passed:
            out[number] = f"참고 답안이 채점기를 통과하지 못합니다: {_clean(result.message)}"
        elif recorder.problem is not None:
            out[number] = f"채점기 밖에서 판정할 수 없는 실습입니다: {recorder.problem}"
        else:
            out[number] = {
                "notebook": key,
                "number": number,
                "salt": used,
                "tmpbase": str(tmp_base()),
                "calls": recorder.calls,
            }
    return out


def _load_transcript(path: Path, key: str, number: int) -> tuple[list[dict] | None, str]:
    """Read a probe transcript safely: size-capped, ``weights_only=True``, shape validated."""
    import torch

    try:
        if path.is_symlink() or not path.is_file():
            return None, "채점 기록이 없습니다"
        if path.stat().st_size > MAX_TRANSCRIPT:
            return None, f"채점 기록이 너무 큽니다 (> {MAX_TRANSCRIPT // 1024**2} MiB)"
        data = torch.load(io.BytesIO(path.read_bytes()), weights_only=True)
        if (
            not isinstance(data, dict)
            or data.get("notebook") != key
            or data.get("number") != number
        ):
            return None, "채점 기록의 형식이 잘못되었습니다"
        calls = data.get("calls")
        if not isinstance(calls, list) or not all(isinstance(c, dict) for c in calls):
            return None, "채점 기록의 형식이 잘못되었습니다"
        for call in calls:
            if not isinstance(call.get("callbacks", []), list) or not isinstance(
                call.get("changed", []), list
            ):
                return None, "채점 기록의 형식이 잘못되었습니다"
            call.setdefault("callbacks", [])
            call.setdefault("changed", [])
            if "after" not in call:
                return None, "채점 기록의 형식이 잘못되었습니다"
        return calls, ""
    except Exception as exc:  # noqa: BLE001 — anything unreadable is the submission's problem
        return None, f"채점 기록을 읽을 수 없습니다 ({type(exc).__name__})"


def judge(key: str, number: int, request: dict, calls: list[dict], source: Any) -> tuple[str, str]:
    """Run the real checker with a :class:`Replayer`; return (verdict, message)."""
    from aiotkit.exercises.core import PASSED, run_check
    from aiotkit.transcript import salted_seeds

    if source is None:
        return "unverified", "노트북 소스에서 함수 정의(def)를 찾지 못해 규칙을 확인할 수 없습니다"
    replayer = Replayer(request["calls"], calls, source)
    try:
        with salted_seeds(request["salt"]), fixed_tempdirs():
            result = run_check(key, number, replayer)
    except _ReplayStop:
        result = None
    if replayer.problem is not None or result is None:
        return (
            "unverified",
            f"채점 기록으로 판정할 수 없습니다: {replayer.problem} — 직접 확인하세요",
        )
    if result.status == PASSED:
        if replayer.count != len(request["calls"]):
            return "unverified", "채점기가 참고 답안과 다른 횟수로 호출했습니다 — 직접 확인하세요"
        if replayer.changed:
            return "failed", (
                "값은 맞지만 함수가 전역 상태를 바꾸고 되돌리지 않았습니다: "
                + "; ".join(replayer.changed)
            )
    return result.status, _clean(result.message, 600)


# --- running one notebook ----------------------------------------------------------------------


@dataclass
class Run:
    returncode: int
    timed_out: bool
    killed_for: str
    seconds: float
    status: dict = field(default_factory=dict)
    note: str = ""


def _read_status(path: Path) -> dict:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_STATUS:
            return {}
        data = json.loads(path.read_bytes().decode("utf-8", "replace"))
        return data if isinstance(data, dict) else {}
    except Exception:  # noqa: BLE001
        return {}


def _prepare_scratch(tmp: Path, student_dir: Path, notebook: Path) -> tuple[Path, Path]:
    """A private copy of one student's folder (symlinks dropped; capped in size)."""
    scratch = tmp / "sandbox"
    shutil.copytree(
        student_dir,
        scratch,
        symlinks=True,
        ignore=lambda folder, names: {n for n in names if os.path.islink(os.path.join(folder, n))},
    )
    for extra in ("home", ".aiot_out"):
        (scratch / extra).mkdir(exist_ok=True)
    for folder, _dirs, files in os.walk(scratch):
        os.chmod(folder, 0o777)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o666)
    return scratch, scratch / notebook.relative_to(student_dir)


def run_submission(
    notebook: Path,
    student_dir: Path,
    requests: dict[int, dict],
    timeout: float,
    sandbox: bool,
    release: Path,
    tmp: Path,
) -> tuple[Run, Path]:
    """Run ``notebook`` (a copy) in the sandbox with the requests; return the run and the folder
    its transcripts are in."""
    import torch

    from aiotkit import sandbox as sb

    scratch, copy = _prepare_scratch(tmp, student_dir, notebook)
    request_dir = tmp / "requests"
    request_dir.mkdir()
    for number, request in requests.items():
        torch.save(request, request_dir / f"request_{number}.pt")
    os.chmod(request_dir, 0o755)
    for item in request_dir.iterdir():
        os.chmod(item, 0o644)
    out = scratch / ".aiot_out"
    limits = sb.Limits()
    if sandbox:
        inner = "/sandbox/" + copy.relative_to(scratch).as_posix()
        cmd = sb.bwrap_command(
            [sys.executable, "-m", "aiotkit.probe", inner, "/sandbox/.aiot_out"],
            release=release,
            project_root=project_root(),
            scratch=scratch,
            readonly={"/requests": request_dir},
            limits=limits,
            env={"AIOT_PROBE_DIR": "/requests", "AIOT_PROBE_OUT": "/sandbox/.aiot_out"},
        )
    else:
        cmd = [
            "env",
            f"PYTHONPATH={release}",
            f"AIOT_PROBE_DIR={request_dir}",
            f"AIOT_PROBE_OUT={out}",
            "MPLBACKEND=Agg",
            "AIOT_DEVICE=cpu",
            f"HOME={scratch / 'home'}",
            sys.executable,
            "-m",
            "aiotkit.probe",
            str(copy),
            str(out),
        ]
    result = sb.run(cmd, timeout=timeout, scratch=scratch, limits=limits)
    run = Run(result.returncode, result.timed_out, result.killed_for, result.seconds)
    run.status = _read_status(out / "status.json")
    if (
        result.returncode not in (0, _EXIT_CELL_ERROR)
        and not result.timed_out
        and not run.killed_for
    ):
        last = [line for line in result.stderr_tail.splitlines() if line.strip()][-1:]
        if result.returncode < 0 or result.returncode >= 128:
            run.note = f"프로세스가 강제 종료되었습니다 (signal {abs(result.returncode) % 128})"
        elif "MemoryError" in result.stderr_tail:
            run.note = "메모리 한도 초과 (MemoryError)"
        else:
            run.note = f"종료 코드 {result.returncode}: {_clean(last[0] if last else '')}"
    return run, out


def grade_notebook(
    path: Path,
    key: str,
    student: str,
    timeout: float = 300.0,
    *,
    sandbox: bool = True,
    salt: int = 0,
    release: Path | None = None,
    student_dir: Path | None = None,
) -> list[Grade]:
    """Grade one submitted notebook: probe it in the sandbox, judge here."""
    import nbformat

    numbers = _exercises(key)
    try:
        if path.stat().st_size > 50 * 1024**2:
            raise ValueError("50 MB보다 큰 노트북")
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 — any unreadable file is a verdict
        reason = f"노트북 파일을 읽을 수 없습니다 (invalid notebook): {type(exc).__name__}"
        return [Grade(student, key, n, "invalid", reason) for n in numbers]

    checks = {n: (name, cell) for n, name, cell in notebook_checks(nb) if n in numbers}
    made = make_requests(key, numbers, salt)
    requests = {n: r for n, r in made.items() if isinstance(r, dict)}
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aiot_grade_")))
        os.chmod(tmp, 0o755)
        if release is None:
            from aiotkit.release import build_package

            release = build_package(tmp / "release")
            _mountpoints(release)
        run, out = run_submission(
            path, student_dir or path.parent, requests, timeout, sandbox, release, tmp
        )
        grades = []
        for n in numbers:
            grades.append(
                Grade(student, key, n, *_verdict(n, made[n], run, out, nb, checks, key, timeout))
            )
    return grades


def _verdict(n, request, run: Run, out: Path, nb, checks, key, timeout) -> tuple[str, str]:
    probe = out / f"probe_{n}.pt"
    if probe.exists() or probe.is_symlink():
        calls, why = _load_transcript(probe, key, n)
        if calls is None:
            return "errored", why
        if not isinstance(request, dict):
            return "unverified", _clean(request)
        name, cell = checks.get(n, ("", -1))
        source = static_function(nb, name, cell) if name else None
        return judge(key, n, request, calls, source)
    if not isinstance(request, dict):
        return "unverified", f"{_clean(request)} — 직접 확인하세요"
    state = run.status.get("state")
    error = _clean(run.status.get("error", ""))
    if run.timed_out:
        return "timed_out", f"{timeout:.0f}초 안에 이 실습의 채점까지 가지 못했습니다"
    if run.killed_for:
        return "errored", f"채점 전에 노트북이 멈췄습니다: {run.killed_for}"
    if run.note:
        return "errored", f"채점 전에 노트북이 멈췄습니다: {run.note}"
    if state == "errored":
        return "errored", f"채점 전에 노트북이 오류로 멈췄습니다: {error}"
    if state != "finished":
        return "errored", "채점 전에 노트북이 멈췄습니다 (상태 기록 없음)"
    return (
        "missing",
        f'check("{key}", {n}, ...) 호출이 없습니다 (또는 채점 기록을 남기지 않았습니다)',
    )


def _mountpoints(release: Path) -> None:
    """Folders the sandbox mounts over inside the release (the venv, a writable artifacts/)."""
    root = project_root()
    from aiotkit.sandbox import _python_roots

    for item in _python_roots():
        if item.startswith(str(root) + "/"):
            (release / Path(item).relative_to(root)).mkdir(parents=True, exist_ok=True)
    (release / "artifacts").mkdir(exist_ok=True)
    for folder, _, _ in os.walk(release):
        os.chmod(folder, 0o755)


def submission_salt(submissions: Path, seed: int | None) -> int:
    """The seed offset of this grading run: ``--seed`` if given, else derived from the contents
    of the submitted notebooks (a re-run on the same submissions gets the same inputs)."""
    if seed is not None:
        return seed
    digest = hashlib.sha256()
    for path in sorted(submissions.rglob("*.ipynb")):
        with contextlib.suppress(OSError):
            digest.update(path.relative_to(submissions).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return 1 + int(digest.hexdigest()[:6], 16)


def grade_submissions(
    submissions: Path,
    timeout: float = 300.0,
    *,
    sandbox: bool = True,
    seed: int | None = None,
) -> list[Grade]:
    """Grade every student folder under ``submissions`` (one folder per student; notebooks
    anywhere inside it, named as in the curriculum)."""
    if not submissions.is_dir():
        raise FileNotFoundError(f"제출 폴더가 없습니다: {submissions}")
    known = curriculum_notebooks()
    students = sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not students:
        raise ValueError(f"{submissions} 안에 학생 폴더가 없습니다 (한 학생당 폴더 하나)")
    salt = submission_salt(submissions, seed)
    grades: list[Grade] = []
    with tempfile.TemporaryDirectory(prefix="aiot_release_") as tmp:
        from aiotkit.release import build_package

        release = build_package(Path(tmp) / "release")
        _mountpoints(release)
        os.chmod(tmp, 0o755)
        for student_dir in students:
            for path in sorted(student_dir.rglob("*.ipynb")):
                if ".ipynb_checkpoints" in path.parts or path.is_symlink():
                    continue
                key = known.get(path.name)
                if key is None:
                    print(
                        f"  건너뜀 (커리큘럼에 없는 이름): {student_dir.name}/{path.relative_to(student_dir)}"
                    )
                    continue
                started = time.perf_counter()
                rows = grade_notebook(
                    path,
                    key,
                    student_dir.name,
                    timeout,
                    sandbox=sandbox,
                    salt=salt,
                    release=release,
                    student_dir=student_dir,
                )
                counts = Counter(g.verdict for g in rows)
                print(
                    f"  {student_dir.name:12} {key:22} {time.perf_counter() - started:6.1f} s  {dict(counts)}",
                    flush=True,
                )
                grades.extend(rows)
    return grades


def write_csv(grades: list[Grade], path: Path, sandbox: bool = True) -> None:
    """Write grades.csv atomically: student, notebook, exercise, verdict, message, sandbox."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "notebook", "exercise", "verdict", "message", "sandbox"])
        mode = "bwrap" if sandbox else "none (--no-sandbox)"
        for g in grades:
            writer.writerow([g.student, g.notebook, g.exercise, g.verdict, g.message, mode])
    os.replace(tmp, path)


_FEEDBACK_ICON = {
    "passed": "✅",
    "failed": "❌",
    "not_attempted": "⏳",
    "checker_error": "⚠️",
    "unverified": "🔍",
    "errored": "💥",
    "timed_out": "⏱️",
    "invalid": "🚫",
    "missing": "❔",
}


def write_feedback(grades: list[Grade], folder: Path) -> list[Path]:
    """One Markdown file per student: each exercise's verdict and message."""
    folder.mkdir(parents=True, exist_ok=True)
    by_student: dict[str, list[Grade]] = defaultdict(list)
    for g in grades:
        by_student[g.student].append(g)
    written = []
    for student, rows in sorted(by_student.items()):
        passed = sum(g.verdict == "passed" for g in rows)
        lines = [f"# {student}: 실습 채점 결과", "", f"통과 {passed}/{len(rows)}", ""]
        lines += ["| 노트북 | 실습 | 결과 | 메시지 |", "|---|---|---|---|"]
        for g in rows:
            message = g.message.replace("|", "\\|")
            icon = _FEEDBACK_ICON.get(g.verdict, "")
            lines.append(f"| {g.notebook} | {g.exercise} | {icon} {g.verdict} | {message} |")
        path = folder / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', student)}.md"
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        written.append(path)
    return written


def summary_table(grades: list[Grade]) -> str:
    """Per-student counts of each verdict and the score (passed / exercises)."""
    by_student: dict[str, Counter] = defaultdict(Counter)
    for g in grades:
        by_student[g.student][g.verdict] += 1
    header = f"{'student':14}" + "".join(f"{v:>14}" for v in VERDICTS) + f"{'score':>10}"
    lines = [header, "-" * len(header)]
    for student, counts in sorted(by_student.items()):
        total = sum(counts.values())
        lines.append(
            f"{student:14}"
            + "".join(f"{counts[v]:>14}" for v in VERDICTS)
            + f"{counts['passed']:>6}/{total:<3}"
        )
    return "\n".join(lines)


_ICON = {"passed": "✅", "failed": "❌", "not_attempted": "⏳", "checker_error": "⚠️"}


def progress_table(grades: list[Grade]) -> str:
    """A student's own progress: one line per notebook, grouped by folder."""
    by_notebook: dict[str, list[Grade]] = defaultdict(list)
    for g in grades:
        by_notebook[g.notebook].append(g)
    lines, folder = [], None
    for key in sorted(by_notebook):
        if key.split("/")[0] != folder:
            folder = key.split("/")[0]
            lines.append(f"{folder}/")
        rows = by_notebook[key]
        marks = " ".join(_ICON.get(g.verdict, "⚠️") + f"{g.exercise}" for g in rows)
        passed = sum(g.verdict == "passed" for g in rows)
        lines.append(f"  {key:24} {passed}/{len(rows)}  {marks}")
    total = sum(g.verdict == "passed" for g in grades)
    lines.append(f"합계 (total): {total}/{len(grades)} 통과")
    return "\n".join(lines)


def progress_notebook(path: Path, key: str, timeout: float = 300.0) -> list[Grade]:
    """A student's own check (no sandbox): run the notebook and take the verdicts its ``check``
    calls print in its own kernel (``$AIOT_GRADE_LOG``). Only for self-assessment."""
    from aiotkit import sandbox as sb

    with tempfile.TemporaryDirectory() as tmp:
        log, out = Path(tmp) / "verdicts.jsonl", Path(tmp) / "out"
        out.mkdir()
        cmd = ["env", f"AIOT_GRADE_LOG={log}", "MPLBACKEND=Agg", sys.executable]
        cmd += ["-m", "aiotkit.probe", str(path.resolve()), str(out)]
        result = sb.run(
            cmd, timeout=timeout, scratch=out, rlimits=False
        )  # e.g. CUDA needs a large address space
        seen: dict[int, tuple[str, str]] = {}
        with contextlib.suppress(OSError):
            for line in log.read_bytes().decode("utf-8", "replace").splitlines():
                with contextlib.suppress(Exception):
                    record = json.loads(line)
                    if record["notebook"] == key:
                        seen[int(record["number"])] = (
                            str(record["status"]),
                            str(record["message"]),
                        )
        status = _read_status(out / "status.json")
    numbers = sorted(seen) if not _has_registry(key) else _exercises(key)
    rows = []
    for n in numbers:
        if n in seen:
            rows.append(Grade("me", key, n, *seen[n]))
        elif result.timed_out:
            rows.append(Grade("me", key, n, "timed_out", "시간 초과"))
        elif status.get("state") == "errored":
            rows.append(Grade("me", key, n, "errored", _clean(status.get("error", ""))))
        else:
            rows.append(Grade("me", key, n, "missing", "check 호출이 없습니다"))
    return rows


def _has_registry(key: str) -> bool:
    return bool(_exercises(key))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Grade curriculum exercise notebooks.")
    parser.add_argument("submissions", nargs="?", help="folder with one sub-folder per student")
    parser.add_argument("--csv", default="grades.csv", help="where to write the grades (CSV)")
    parser.add_argument("--feedback", help="folder for one Markdown feedback file per student")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per notebook")
    parser.add_argument("--seed", type=int, help="input seed offset (default: from submissions)")
    parser.add_argument("--no-sandbox", action="store_true", help="run submissions unconfined")
    parser.add_argument("--progress", metavar="ROOT", help="grade your own notebooks under ROOT")
    args = parser.parse_args(argv)
    if args.progress:
        print("내 노트북 확인 (샌드박스 없이 실행합니다 — 자기 점검용, 성적이 아닙니다).")
        root = Path(args.progress)
        known = curriculum_notebooks()
        grades = []
        for folder in NOTEBOOK_DIRS:
            for path in sorted((root / folder).glob("*.ipynb")):
                if path.name in known:
                    grades.extend(progress_notebook(path, known[path.name], args.timeout))
                    print(f"  {known[path.name]} 채점 완료", flush=True)
        print(progress_table(grades))
        return 0
    if not args.submissions:
        parser.error("SUBMISSIONS 폴더를 지정하세요 (make grade SUBMISSIONS=폴더/)")
    sandbox = not args.no_sandbox
    if sandbox:
        from aiotkit.release import build_package
        from aiotkit.sandbox import SandboxError, check_sandbox

        try:
            with tempfile.TemporaryDirectory(prefix="aiot_check_") as tmp:
                os.chmod(tmp, 0o755)
                release = build_package(Path(tmp) / "release")
                _mountpoints(release)
                check_sandbox(release, project_root())
        except SandboxError as exc:
            print(f"채점을 시작하지 않습니다: {exc}", file=sys.stderr)
            return 2
        print("샌드박스: bubblewrap (네트워크 없음, 읽기 전용 파일 시스템, 자원 한도)")
    else:
        print(
            "경고: --no-sandbox — 제출된 코드가 당신의 권한으로, 네트워크와 파일에 접근할 수 있는 "
            "채로 실행됩니다. 판정은 여전히 채점기 쪽에서 하지만, 제출물이 참고 답안을 읽을 수 "
            "있으므로 믿을 수 있는 제출물에만 쓰세요 (NOT SANDBOXED)."
        )
    grades = grade_submissions(
        Path(args.submissions), args.timeout, sandbox=sandbox, seed=args.seed
    )
    write_csv(grades, Path(args.csv), sandbox)
    if args.feedback:
        write_feedback(grades, Path(args.feedback))
    print(summary_table(grades))
    mode = "bwrap 샌드박스" if sandbox else "샌드박스 없음 (--no-sandbox)"
    print(f"\n{len(grades)}개 결과를 {args.csv}에 썼습니다 ({mode}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
