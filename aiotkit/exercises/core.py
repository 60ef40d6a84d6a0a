"""The exercise-checking framework: a registry of checkers and the ``check`` call.

A checker is registered for (notebook, number) and receives the student's callable. It calls it
on several inputs and raises :class:`CheckFailed` with a Korean message saying what was expected
and what came back. ``check`` turns that into a verdict:

- ``passed``        — every case agreed;
- ``failed``        — a case disagreed, or the student's code raised an error;
- ``not_attempted`` — the stub still raises ``NotImplementedError`` ("아직 풀지 않음").

``check`` never raises for a student's mistake, so the notebook keeps running. When the
environment variable ``AIOT_GRADE_LOG`` names a file, each verdict is also appended to it as
one JSON line (used by ``make grade``).
"""

from __future__ import annotations

import json
import os
import traceback
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
    "expect_shape",
    "register",
    "registry",
    "run_check",
]

PASSED, FAILED, NOT_ATTEMPTED = "passed", "failed", "not_attempted"


class CheckFailed(AssertionError):
    """Raised by a checker when the student's answer is wrong (message in Korean)."""


@dataclass(frozen=True)
class Checker:
    notebook: str
    number: int
    title: str
    func: Callable[[Callable[..., Any]], None]


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


def register(notebook: str, number: int, title: str) -> Callable:
    """Decorator: register ``func(student_callable)`` as the checker of one exercise."""

    def decorator(func: Callable[[Callable[..., Any]], None]) -> Callable:
        key = (notebook, number)
        if key in _REGISTRY:
            raise ValueError(f"checker {notebook} #{number} is registered twice")
        _REGISTRY[key] = Checker(notebook, number, title, func)
        return func

    return decorator


def registry() -> dict[tuple[str, int], Checker]:
    """All registered checkers, keyed by (notebook, number)."""
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
            f"{what}: {error.__name__}를 기대했는데 {type(exc).__name__} 이(가) 났습니다"
        ) from None
    raise CheckFailed(f"{what}: {error.__name__}를 내야 하는데 아무 오류 없이 반환했습니다")


def _raised_not_implemented(exc: BaseException) -> bool:
    while exc is not None:
        if isinstance(exc, NotImplementedError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


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
        known = sorted(n for nb, n in _REGISTRY if nb == notebook)
        raise KeyError(f"'{notebook}'의 실습 {number} 채점기가 없습니다 (등록된 번호: {known})")
    if not callable(solution):
        return CheckResult(
            notebook, number, FAILED, f"함수를 넘겨야 합니다 (got {type(solution).__name__})"
        )
    try:
        _REGISTRY[key].func(solution)
    except CheckFailed as exc:
        return CheckResult(notebook, number, FAILED, str(exc))
    except Exception as exc:  # noqa: BLE001 — any error in student code is a verdict, not a crash
        if _raised_not_implemented(exc):
            return CheckResult(notebook, number, NOT_ATTEMPTED, "아직 풀지 않음 (not attempted)")
        return CheckResult(
            notebook,
            number,
            FAILED,
            f"실행 중 오류 (error): {type(exc).__name__}: {exc}{_student_line(exc)}",
        )
    return CheckResult(notebook, number, PASSED, "통과 (passed)")


_ICONS = {PASSED: "✅", FAILED: "❌", NOT_ATTEMPTED: "⏳"}


def check(notebook: str, number: int, solution: Callable[..., Any]) -> None:
    """Check a student's solution and print a Korean verdict; never raises for wrong answers.

    Example: ``check("basics/01", 1, my_function)``
    """
    result = run_check(notebook, number, solution)
    title = _REGISTRY[(notebook, number)].title
    if result.status == PASSED:
        print(f"{_ICONS[PASSED]} [{notebook} 실습 {number}] {title}: 통과 (passed)")
    elif result.status == NOT_ATTEMPTED:
        print(
            f"{_ICONS[NOT_ATTEMPTED]} [{notebook} 실습 {number}] {title}: 아직 풀지 않음 (not attempted)"
        )
    else:
        print(
            f"{_ICONS[FAILED]} [{notebook} 실습 {number}] {title}: 실패 (failed)\n   {result.message}"
        )
    log = os.environ.get("AIOT_GRADE_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")
