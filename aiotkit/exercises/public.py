"""Public checks of the student release: no checker, no reference answer, only data.

``make release`` stores, for each exercise, the arguments of the calls its checker makes and what
the reference answer returned (``public_data/<nb>.pt``, see :mod:`aiotkit.release`). A public
check calls the student's function on the same arguments and compares the results: same kind of
value (tensor, float, tuple …), same shape, values within a tolerance, inputs left unchanged. It
gives instant feedback; the official verdict is the instructor's grading, which also checks the
exercise's rules (e.g. "no loops") and uses other inputs.
"""

from __future__ import annotations

import copy
import math
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import torch

from aiotkit.exercises.core import (
    FAILED,
    NOT_ATTEMPTED,
    PASSED,
    CheckFailed,
    CheckResult,
    _GlobalStateGuard,
    _raised_by_stub,
    _student_line,
    expect_not_using,
)

__all__ = ["UNCHECKED", "available", "public_check", "title"]

UNCHECKED = "unchecked"  # no public data for this exercise (its results are not plain data)

_DATA = Path(__file__).resolve().parent / "public_data"


@cache
def _load(notebook: str) -> dict:
    path = _DATA / f"{notebook.replace('/', '_')}.pt"
    return torch.load(path, weights_only=False) if path.exists() else {}


def available(notebook: str) -> bool:
    return bool(_load(notebook))


def title(notebook: str, number: int) -> str:
    entry = _load(notebook).get(number)
    return entry["title"] if entry else f"실습 {number}"


def _compare(got: Any, expected: Any, what: str) -> str | None:
    """None when ``got`` matches ``expected``; otherwise why not (Korean)."""
    if isinstance(expected, torch.Tensor):
        if not isinstance(got, torch.Tensor):
            return f"{what}: 텐서(torch.Tensor)를 기대했는데 {type(got).__name__}을(를) 받았습니다"
        if tuple(got.shape) != tuple(expected.shape):
            return (
                f"{what}: 기대한 모양(shape) {tuple(expected.shape)}, 받은 모양 {tuple(got.shape)}"
            )
        if got.requires_grad and not expected.requires_grad:
            return f"{what}: 그래프에서 떼어 낸(detach) 텐서를 반환해야 합니다"
        g = got.detach().cpu().to(torch.float64)
        e = expected.detach().to(torch.float64)
        if not torch.allclose(g, e, atol=1e-4, rtol=1e-4):
            diff = (g - e).abs().nan_to_num(float("inf")).max().item()
            return f"{what}: 값이 다릅니다 (최대 차이 {diff:.3g})"
        return None
    if isinstance(expected, np.ndarray):
        if not isinstance(got, np.ndarray):
            return f"{what}: NumPy 배열을 기대했는데 {type(got).__name__}을(를) 받았습니다"
        return _compare(torch.as_tensor(got), torch.as_tensor(expected), what)
    if isinstance(expected, bool):
        ok = isinstance(got, (bool, np.bool_)) and bool(got) == expected
        return None if ok else f"{what}: 기대한 값 {expected}, 받은 값 {got!r}"
    if isinstance(expected, (int, float, np.number)):
        if isinstance(got, torch.Tensor) or not isinstance(got, (int, float, np.number)):
            return f"{what}: 숫자를 기대했는데 {type(got).__name__}을(를) 받았습니다 (.item()?)"
        if isinstance(expected, (int, np.integer)) and not isinstance(got, (int, np.integer)):
            return f"{what}: 정수(int)를 기대했는데 {type(got).__name__}을(를) 받았습니다"
        if not math.isclose(float(got), float(expected), rel_tol=1e-4, abs_tol=1e-4):
            return f"{what}: 기대한 값 {expected:.6g}, 받은 값 {float(got):.6g}"
        return None
    if isinstance(expected, (tuple, list)):
        if type(got) is not type(expected) or len(got) != len(expected):
            return f"{what}: 길이 {len(expected)}의 {type(expected).__name__}을(를) 기대했습니다"
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            problem = _compare(g, e, f"{what}[{i}]")
            if problem:
                return problem
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return f"{what}: 키 {sorted(map(str, expected))}의 사전(dict)을 기대했습니다"
        for key in expected:
            problem = _compare(got[key], expected[key], f"{what}[{key!r}]")
            if problem:
                return problem
        return None
    if isinstance(expected, torch.nn.Module):
        if not isinstance(got, torch.nn.Module):
            return f"{what}: nn.Module을 기대했는데 {type(got).__name__}을(를) 받았습니다"
        shapes = {k: tuple(v.shape) for k, v in expected.state_dict().items()}
        if {k: tuple(v.shape) for k, v in got.state_dict().items()} != shapes:
            return f"{what}: 층 구성(state_dict의 키와 모양)이 다릅니다: 기대한 {shapes}"
        return None
    if expected is None or isinstance(expected, (str, torch.dtype, torch.Size)):
        return None if got == expected else f"{what}: 기대한 값 {expected!r}, 받은 값 {got!r}"
    return None  # another kind of object: checked when grading


def public_check(
    notebook: str, number: int, solution: Any, *, entry: dict | None = None
) -> CheckResult:
    """Check ``solution`` against the stored public data (``entry``: that data, for tests and
    for ``make release`` itself)."""
    from aiotkit.transcript import _ARGTARGETS, arg_objects, decode, encode, restore, set_rng_state

    entry = entry if entry is not None else _load(notebook).get(number)
    for forbidden, rule in (entry or {}).get("rules", []):  # the statement's "do not use …"
        try:
            expect_not_using(solution, forbidden, rule)
        except CheckFailed as exc:
            return CheckResult(notebook, number, FAILED, str(exc))
    if entry is None or entry["calls"] is None:
        return CheckResult(
            notebook, number, UNCHECKED, "공개 확인이 없는 실습입니다 — 채점 때 확인합니다"
        )
    for index, call in enumerate(entry["calls"], 1):
        args = decode(call["args"], callables=True)
        kwargs = decode(call["kwargs"], callables=True)
        before = copy.deepcopy([encode(a, callables=True) for a in args])
        what = f"공개 예제 {index}"
        guard = _GlobalStateGuard()
        try:
            with guard:
                if "rng" in call:  # the random state the checker's call met
                    set_rng_state(call["rng"])
                restore(entry.get("tmpbase"), call.get("tmp", []))
                got = solution(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            if _raised_by_stub(exc, solution):
                return CheckResult(
                    notebook, number, NOT_ATTEMPTED, "아직 풀지 않음 (not attempted)"
                )
            if call.get("raises") == type(exc).__name__:
                continue  # the reference raises here too (bad input must be refused)
            message = (
                f"{what}: 실행 중 오류 (error): {type(exc).__name__}: {exc}{_student_line(exc)}"
            )
            return CheckResult(notebook, number, FAILED, message)
        if "raises" in call:
            return CheckResult(
                notebook, number, FAILED, f"{what}: {call['raises']}를 내야 하는데 반환했습니다"
            )
        _ARGTARGETS.append(arg_objects([args, kwargs]))
        try:
            expected = decode(call["result"])
        finally:
            _ARGTARGETS.pop()
        problem = _compare(got, expected, what)
        if problem is None:
            after = [encode(a, callables=True) for a in args]
            if not _same_encoding(before, after):
                problem = (
                    f"{what}: 입력을 제자리(in-place)에서 바꾸면 안 됩니다 — 복사본에 계산하세요"
                )
        if problem is None and guard.changed:
            problem = (
                f"{what}: 함수가 전역 상태를 바꾸고 되돌리지 않았습니다: {'; '.join(guard.changed)}"
            )
        if problem:
            return CheckResult(notebook, number, FAILED, problem)
    return CheckResult(
        notebook,
        number,
        PASSED,
        "공개 예제 통과 (passed) — 다른 입력과 나머지 규칙은 채점 때 확인합니다",
    )


def _same_encoding(a: Any, b: Any) -> bool:
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
        return a.shape == b.shape and a.dtype == b.dtype and bool(torch.equal(a, b))
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        if a and a[0] == "fn":
            return True
        return len(a) == len(b) and all(_same_encoding(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return False
    return a == b
