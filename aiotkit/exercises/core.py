"""The exercise-checking framework: a registry of checkers and the ``check`` call.

A checker is registered for (notebook, number) and receives the student's callable. It calls it
on several inputs and raises :class:`CheckFailed` with a Korean message saying what was expected
and what came back. ``check`` turns that into a verdict:

- ``passed``        — every case agreed;
- ``failed``        — a case disagreed, or the student's code raised an error;
- ``not_attempted`` — the student's own stub raised ``NotImplementedError`` ("아직 풀지 않음");
  a NotImplementedError raised by torch or another library (e.g. a misspelled ``foward``) is a
  failure, not "not attempted";
- ``checker_error`` — the checker itself crashed (a NameError/ImportError in its own code with
  no student frame on the stack): a bug to report to the instructor, not the student's fault.

Checkers are loaded lazily: ``check("basics/01", …)`` imports only ``basics_01.py``. A checker
runs with the global RNGs (torch, NumPy, ``random``) saved and restored, so checking never
changes the student's notebook state; an answer that leaves autograd disabled, the default dtype
or the thread count changed, or a process-wide module hook registered, fails.

``check`` never raises for a student's mistake, so the notebook keeps running. When the
environment variable ``AIOT_GRADE_LOG`` names a file, each verdict is also appended to it as
one JSON line (used by ``make progress``, a student's self-check; ``make grade`` never trusts
what the student's process says: it records results with :mod:`aiotkit.probe` in a sandbox and
judges them outside, see :mod:`aiotkit.grading`).
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
import random
import sys
import traceback
import types
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch

__all__ = [
    "CheckFailed",
    "CheckResult",
    "Checker",
    "check",
    "expect",
    "expect_close",
    "expect_equal",
    "expect_raises",
    "expect_not_using",
    "expect_shape",
    "expect_type",
    "expect_unchanged",
    "is_integer",
    "is_real",
    "load_checkers",
    "register",
    "registry",
    "run_check",
    "used_names",
]

PASSED, FAILED, NOT_ATTEMPTED, CHECKER_ERROR = "passed", "failed", "not_attempted", "checker_error"


class CheckFailed(AssertionError):
    """Raised by a checker when the student's answer is wrong (message in Korean)."""


@dataclass(frozen=True)
class Checker:
    notebook: str
    number: int
    title: str
    func: Callable[[Callable[..., Any]], None]
    not_replayable: str = ""  # why grading cannot judge it outside the sandbox ("" if it can)


@dataclass(frozen=True)
class CheckResult:
    notebook: str
    number: int
    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == PASSED


_REGISTRY: dict[tuple[str, int], Checker] = {}


def register(notebook: str, number: int, title: str, *, not_replayable: str = "") -> Callable:
    """Decorator: register ``func(student_callable)`` as the checker of one exercise.

    ``not_replayable`` says (in Korean) why ``make grade`` cannot judge this exercise from a
    sandbox transcript (e.g. it needs real processes talking over the network); such exercises
    are graded ``unverified``."""

    def decorator(func: Callable[[Callable[..., Any]], None]) -> Callable:
        key = (notebook, number)
        if key in _REGISTRY:
            raise ValueError(f"checker {notebook} #{number} is registered twice")
        _REGISTRY[key] = Checker(notebook, number, title, func, not_replayable)
        return func

    return decorator


def _module_name(notebook: str) -> str:
    return f"aiotkit.exercises.{notebook.replace('/', '_')}"


def load_checkers(notebook: str | None = None) -> None:
    """Import the checker module of ``notebook`` (e.g. "basics/01"), or of every notebook."""
    if notebook is not None:
        try:
            importlib.import_module(_module_name(notebook))
        except ModuleNotFoundError as exc:
            if exc.name != _module_name(notebook):
                raise
        return
    package = importlib.import_module("aiotkit.exercises")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name not in ("core", "public"):
            importlib.import_module(f"aiotkit.exercises.{info.name}")


def registry() -> dict[tuple[str, int], Checker]:
    """All checkers of every notebook, keyed by (notebook, number) (imports them all)."""
    load_checkers()
    return dict(_REGISTRY)


def _describe(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        text = f"tensor{tuple(value.shape)} {value.detach().cpu().flatten()[:8].tolist()}"
    elif isinstance(value, np.ndarray):
        text = f"array{value.shape} {value.flatten()[:8].tolist()}"
    else:
        text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def expect(condition: bool, message: str) -> None:
    """Fail the check with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message)


def expect_equal(got: Any, expected: Any, what: str) -> None:
    """Fail unless ``got == expected`` (for plain values: ints, strings, tuples)."""
    if got != expected:
        raise CheckFailed(f"{what}: 기대한 값 {_describe(expected)}, 받은 값 {_describe(got)}")


def expect_shape(got: Any, shape: tuple[int, ...], what: str) -> None:
    """Fail unless ``got`` is a tensor/array of exactly ``shape``."""
    actual = tuple(getattr(got, "shape", ())) if hasattr(got, "shape") else None
    if actual is None:
        raise CheckFailed(f"{what}: 텐서(tensor)를 기대했는데 {type(got).__name__}을 받았습니다")
    if actual != tuple(shape):
        raise CheckFailed(f"{what}: 기대한 모양(shape) {tuple(shape)}, 받은 모양 {actual}")


def expect_close(
    got: Any, expected: Any, what: str, *, atol: float = 1e-6, rtol: float = 1e-5
) -> None:
    """Fail unless ``got`` matches ``expected`` in shape and value within the tolerances."""
    if got is None:
        raise CheckFailed(f"{what}: 아무것도 반환되지 않았습니다 (None). return을 빠뜨렸나요?")
    try:
        g = torch.as_tensor(
            np.asarray(got.detach().cpu() if isinstance(got, torch.Tensor) else got),
            dtype=torch.float64,
        )
    except (TypeError, ValueError, RuntimeError):
        raise CheckFailed(
            f"{what}: 숫자(텐서)를 기대했는데 {type(got).__name__}을 받았습니다"
        ) from None
    e = torch.as_tensor(
        np.asarray(expected.detach().cpu() if isinstance(expected, torch.Tensor) else expected),
        dtype=torch.float64,
    )
    if g.shape != e.shape:
        raise CheckFailed(
            f"{what}: 기대한 모양(shape) {tuple(e.shape)}, 받은 모양 {tuple(g.shape)}"
        )
    if not torch.allclose(g, e, atol=atol, rtol=rtol, equal_nan=False):
        diff = (g - e).abs().nan_to_num(float("inf")).max().item()
        raise CheckFailed(
            f"{what}: 기대한 값 {_describe(e)}, 받은 값 {_describe(g)} (최대 차이 {diff:.3g}, 허용 {atol:g})"
        )


def expect_raises(
    func: Callable[..., Any], args: tuple, what: str, error: type = ValueError
) -> None:
    """Fail unless ``func(*args)`` raises ``error`` (a stub's NotImplementedError passes through)."""
    try:
        func(*args)
    except error:
        return
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 — report which error came back instead
        raise CheckFailed(
            f"{what}: {error.__name__}를 기대했는데 {type(exc).__name__} 오류가 났습니다"
        ) from None
    raise CheckFailed(f"{what}: {error.__name__}를 내야 하는데 아무 오류 없이 반환했습니다")


def used_names(solution: Any) -> set[str]:
    """Every name the student's code uses: globals and imports (also under an alias: the real
    ``__name__`` of what a global name holds), attributes (``F.conv2d`` gives ``conv2d``,
    ``x.log_softmax()`` gives ``log_softmax``), identifier-like string constants
    (``getattr(F, "conv2d")``), and the same, recursively, for the student's own functions and
    classes that it calls.

    Library code is not entered: a rule is about what the student wrote."""
    seen: set[types.CodeType] = set()
    names: set[str] = set()
    pending = list(_student_codes(solution))
    owner = inspect.unwrap(getattr(solution, "__func__", solution))
    module_globals = getattr(owner, "__globals__", None)
    if module_globals is None and inspect.isclass(owner):
        module = sys.modules.get(owner.__module__)
        module_globals = vars(module) if module is not None else {}
    module_globals = module_globals or {}
    while pending:
        code = pending.pop()
        if code in seen:
            continue
        seen.add(code)
        names |= set(code.co_names)
        names |= {c for c in code.co_consts if isinstance(c, str) and c.isidentifier()}
        for name in code.co_names:
            value = module_globals.get(name)
            if value is None:
                continue
            # `from torch.nn.functional import conv2d as c` at the top, then `c(...)`
            real_name = getattr(value, "__name__", None)
            if isinstance(real_name, str):
                names.add(real_name.rsplit(".", 1)[-1])
            if _is_library(value):
                continue
            if inspect.isfunction(value) or inspect.isclass(value):
                pending += [c for c in _student_codes(value) if c not in seen]
    return names


def _is_library(value: Any) -> bool:
    module = getattr(value, "__module__", None) or ""
    return module.split(".")[0] in {
        "torch",
        "numpy",
        "scipy",
        "sklearn",
        "pandas",
        "math",
        "builtins",
        "aiotkit",
        "functools",
        "itertools",
        "collections",
        "operator",
        "typing",
        "tqdm",
        "matplotlib",
    }


def expect_not_using(solution: Any, forbidden: dict[str, str], rule: str) -> None:
    """Fail when the student's code uses any of ``forbidden`` (name → what it is), e.g.
    ``{"conv2d": "F.conv2d", "lstsq": "torch.linalg.lstsq"}``; ``rule`` is the statement's rule."""
    used = used_names(solution) & set(forbidden)
    if used:
        shown = ", ".join(sorted(forbidden[n] for n in used))
        raise CheckFailed(f"규칙 위반: {rule} — 코드에 {shown}이(가) 쓰였습니다")


def expect_unchanged(before: Any, after: Any, what: str) -> None:
    """Fail when an input the student received was modified in place (compare with a copy)."""
    if isinstance(before, torch.Tensor):
        same = (
            isinstance(after, torch.Tensor)
            and before.shape == after.shape
            and before.dtype == after.dtype
            and torch.equal(before, after.detach())
        )
    elif isinstance(before, np.ndarray):
        same = isinstance(after, np.ndarray) and np.array_equal(before, after, equal_nan=True)
    else:
        same = before == after
    if not same:
        raise CheckFailed(
            f"{what}: 입력을 제자리(in-place)에서 바꾸면 안 됩니다 — 복사본에 계산하세요"
        )


def is_integer(value: Any) -> bool:
    """True for Python and NumPy integers (and 0-d integer tensors are not integers: say .item())."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def is_real(value: Any) -> bool:
    """True for Python/NumPy integers and floats (not bools, not tensors)."""
    return is_integer(value) or isinstance(value, (float, np.floating))


def expect_type(value: Any, kind: str, what: str) -> None:
    """Fail unless ``value`` is of ``kind``: "int" (any integer type, not bool), "float" (a real
    number, not a tensor), "bool", "tensor", "array", "dict", "list"."""
    checks = {
        "int": (is_integer, "정수(int)"),
        "float": (is_real, "실수(float)"),
        "bool": (lambda v: isinstance(v, (bool, np.bool_)), "bool"),
        "tensor": (lambda v: isinstance(v, torch.Tensor), "텐서(torch.Tensor)"),
        "array": (lambda v: isinstance(v, np.ndarray), "NumPy 배열(np.ndarray)"),
        "dict": (lambda v: isinstance(v, dict), "사전(dict)"),
        "list": (lambda v: isinstance(v, list), "리스트(list)"),
    }
    test, name = checks[kind]
    if not test(value):
        hint = (
            " (.item()으로 꺼내세요)"
            if isinstance(value, torch.Tensor) and kind in ("int", "float")
            else ""
        )
        raise CheckFailed(
            f"{what}: {name}을(를) 반환해야 하는데 {type(value).__name__}을(를) 받았습니다{hint}"
        )


def _code_objects(code: types.CodeType) -> set[types.CodeType]:
    found = {code}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found |= _code_objects(const)
    return found


def _student_codes(solution: Any) -> set[types.CodeType]:
    """Code objects the student wrote: the function (and functions nested in it), or a class's
    methods and properties."""
    target = inspect.unwrap(getattr(solution, "__func__", solution))
    members: list[Any] = [target]
    if inspect.isclass(target):
        members = []
        for klass in target.__mro__:
            if klass.__module__ == target.__module__:
                members += list(vars(klass).values())
    codes: set[types.CodeType] = set()
    for member in members:
        if isinstance(member, (staticmethod, classmethod)):
            member = member.__func__
        if isinstance(member, property):
            members += [f for f in (member.fget, member.fset) if f is not None]
            continue
        code = getattr(member, "__code__", None)
        if isinstance(code, types.CodeType):
            codes |= _code_objects(code)
    return codes


def _raised_by_stub(exc: BaseException, solution: Any) -> bool:
    """True when ``exc`` is a NotImplementedError raised in the student's own code."""
    if not isinstance(exc, NotImplementedError):
        return False
    if getattr(exc, "_aiot_stub", False) is True:  # replayed by the grader's judge
        return True
    if exc.__traceback__ is None:
        return False
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_code in _student_codes(solution)


_CHECKER_BUGS = (NameError, ImportError, SyntaxError)


def _checker_crashed(exc: BaseException) -> bool:
    """True for an error that only a bug in the checker can cause: no student frame on the stack,
    raised in this package, and of a kind a wrong answer cannot produce (NameError, ImportError).

    Errors a wrong answer can cause inside checker code (a TypeError from calling with the wrong
    signature, an AttributeError on a returned value of the wrong type) stay the student's."""
    if getattr(exc, "_aiot_replayed", False):  # the student's error, replayed by the grader
        return False
    frames = traceback.extract_tb(exc.__traceback__)
    student = any(
        "site-packages" not in f.filename
        and "aiotkit" not in f.filename
        and not f.filename.startswith(("<frozen", os.path.dirname(os.__file__)))
        for f in frames
    )
    return (
        not student
        and bool(frames)
        and "aiotkit" in frames[-1].filename
        and isinstance(exc, _CHECKER_BUGS)
    )


def _global_state() -> dict[str, Any]:
    from torch.nn.modules import module as module_mod

    hooks = sum(
        len(getattr(module_mod, name, {}))
        for name in dir(module_mod)
        if name.startswith("_global_") and name.endswith("hooks")
    )
    return {
        "자동 미분(torch.is_grad_enabled())": torch.is_grad_enabled(),
        "기본 dtype(torch.get_default_dtype())": torch.get_default_dtype(),
        "스레드 수(torch.get_num_threads())": torch.get_num_threads(),
        "전역 모듈 훅(register_module_forward_hook 등)": hooks,
    }


class _GlobalStateGuard:
    """Save the RNGs and the process-wide settings; restore them; report what the call changed."""

    def __enter__(self) -> _GlobalStateGuard:
        self.torch_rng = torch.random.get_rng_state()
        self.cuda_rng = torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None
        self.numpy_rng = np.random.get_state()
        self.python_rng = random.getstate()
        self.before = _global_state()
        self.changed: list[str] = []
        return self

    def __exit__(self, *exc_info: Any) -> None:
        after = _global_state()
        self.changed = [
            f"{name}: {self.before[name]} → {after[name]}"
            for name in self.before
            if after[name] != self.before[name]
        ]
        torch.random.set_rng_state(self.torch_rng)
        if self.cuda_rng is not None:
            torch.cuda.set_rng_state_all(self.cuda_rng)
        np.random.set_state(self.numpy_rng)
        random.setstate(self.python_rng)
        torch.set_grad_enabled(self.before["자동 미분(torch.is_grad_enabled())"])
        torch.set_default_dtype(self.before["기본 dtype(torch.get_default_dtype())"])
        torch.set_num_threads(self.before["스레드 수(torch.get_num_threads())"])


def _student_line(exc: BaseException) -> str:
    """' (line N)' of the deepest frame outside libraries and this package, if any."""
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if "site-packages" not in f.filename and "aiotkit" not in f.filename
    ]
    return f" (line {frames[-1].lineno})" if frames else ""


def run_check(notebook: str, number: int, solution: Callable[..., Any]) -> CheckResult:
    """Run one checker on ``solution`` and return its verdict (prints nothing).

    Raises:
        KeyError: no checker is registered for (notebook, number) — a mistake in the notebook,
            not in the student's answer.
    """
    key = (notebook, number)
    if key not in _REGISTRY:
        load_checkers(notebook)
    if key not in _REGISTRY:
        known = sorted(n for nb, n in _REGISTRY if nb == notebook)
        raise KeyError(f"'{notebook}'의 실습 {number} 채점기가 없습니다 (등록된 번호: {known})")
    if not callable(solution):
        return CheckResult(
            notebook, number, FAILED, f"함수를 넘겨야 합니다 (got {type(solution).__name__})"
        )
    guard = _GlobalStateGuard()
    try:
        with guard:
            _REGISTRY[key].func(solution)
    except CheckFailed as exc:
        return CheckResult(notebook, number, FAILED, str(exc))
    except Exception as exc:  # noqa: BLE001 — any error in student code is a verdict, not a crash
        if _raised_by_stub(exc, solution):
            return CheckResult(notebook, number, NOT_ATTEMPTED, "아직 풀지 않음 (not attempted)")
        if _checker_crashed(exc):
            return CheckResult(
                notebook,
                number,
                CHECKER_ERROR,
                f"채점기 오류 (checker error): {type(exc).__name__}: {exc}. 학생의 잘못이 아닙니다; "
                "이 메시지를 조교에게 알려 주세요.",
            )
        return CheckResult(
            notebook,
            number,
            FAILED,
            f"실행 중 오류 (error): {type(exc).__name__}: {exc}{_student_line(exc)}",
        )
    if guard.changed:
        return CheckResult(
            notebook,
            number,
            FAILED,
            "값은 맞지만 함수가 전역 상태를 바꾸고 되돌리지 않았습니다: "
            + "; ".join(guard.changed)
            + " (함수 밖의 노트북 전체에 영향을 줍니다)",
        )
    return CheckResult(notebook, number, PASSED, "통과 (passed)")


_ICONS = {PASSED: "✅", FAILED: "❌", NOT_ATTEMPTED: "⏳", CHECKER_ERROR: "⚠️"}


def check(notebook: str, number: int, solution: Callable[..., Any]) -> None:
    """Check a student's solution and print a Korean verdict; never raises for wrong answers.

    Example: ``check("basics/01", 1, my_function)``

    Under ``make grade`` (``$AIOT_PROBE_DIR`` set, in the sandbox) this only records what
    ``solution`` returns on the grader's inputs (:mod:`aiotkit.probe`); the verdict is decided
    outside. In the student release, which has no checker modules, the public check compares
    with stored expected outputs (:mod:`aiotkit.exercises.public`).
    """
    if os.environ.get("AIOT_PROBE_DIR"):
        from aiotkit.probe import run_probe

        recorded = run_probe(notebook, number, solution)
        mark = "채점용 기록을 남겼습니다 (recorded for grading)" if recorded else "채점 대상 아님"
        print(f"📝 [{notebook} 실습 {number}] {mark}")
        return
    if (notebook, number) not in _REGISTRY:
        load_checkers(notebook)
    if (notebook, number) not in _REGISTRY:
        from aiotkit.exercises import public

        if public.available(notebook):
            result = public.public_check(notebook, number, solution)
            _print_and_log(result, public.title(notebook, number))
            return
    result = run_check(notebook, number, solution)
    _print_and_log(result, _REGISTRY[(notebook, number)].title)


def _print_and_log(result: CheckResult, title: str) -> None:
    notebook, number = result.notebook, result.number
    if result.status == PASSED:
        print(f"{_ICONS[PASSED]} [{notebook} 실습 {number}] {title}: 통과 (passed)")
    elif result.status == CHECKER_ERROR:
        print(f"{_ICONS[CHECKER_ERROR]} [{notebook} 실습 {number}] {title}: {result.message}")
    elif result.status == NOT_ATTEMPTED:
        print(
            f"{_ICONS[NOT_ATTEMPTED]} [{notebook} 실습 {number}] {title}: 아직 풀지 않음 (not attempted)"
        )
    elif result.status == "unchecked":  # student release: no public data for this exercise
        print(f"ℹ️ [{notebook} 실습 {number}] {title}: {result.message}")
    else:
        print(
            f"{_ICONS[FAILED]} [{notebook} 실습 {number}] {title}: 실패 (failed)\n   {result.message}"
        )
    log = os.environ.get("AIOT_GRADE_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")
