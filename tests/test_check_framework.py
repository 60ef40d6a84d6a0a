"""The checking framework itself: lazy loading, what "not attempted" means, global state, and
checker crashes that are not the student's fault."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import numpy as np
import pytest
import torch
from solutions import basics_01, basics_02
from torch import nn

from aiotkit.exercises import core, run_check
from conftest import ROOT

LAZY_PROBE = """
import json, sys
from aiotkit import check
before = sorted(m for m in sys.modules if m.startswith("aiotkit.exercises."))
heavy_before = [m for m in ("sklearn", "scipy", "onnxruntime", "pandas") if m in sys.modules]
def grad_of(f, x):
    raise NotImplementedError
check("basics/01", 1, grad_of)
after = sorted(m for m in sys.modules if m.startswith("aiotkit.exercises."))
heavy_after = [m for m in ("sklearn", "scipy", "onnxruntime") if m in sys.modules]
print(json.dumps([before, heavy_before, after, heavy_after]))
"""


def test_check_imports_only_the_notebooks_checkers():
    out = subprocess.run(
        [sys.executable, "-c", LAZY_PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    before, heavy_before, after, heavy_after = json.loads(out.stdout.strip().splitlines()[-1])
    assert before == ["aiotkit.exercises.core"]
    assert heavy_before == [] and heavy_after == []
    assert after == ["aiotkit.exercises.basics_01", "aiotkit.exercises.core"]


def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(KeyError, match="채점기가 없습니다"):
        run_check("basics/01", 99, basics_01.grad_of)
    with pytest.raises(KeyError, match="채점기가 없습니다"):
        run_check("nowhere/07", 1, basics_01.grad_of)


# --- not attempted: only the student's own stub -----------------------------------------------


def test_library_not_implemented_error_is_a_failure():
    class Misspelled(nn.Module):  # `foward`: torch raises NotImplementedError for forward
        def __init__(self):
            super().__init__()
            self.layers = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))

        def foward(self, x):
            return self.layers(x)

    result = run_check("models/01", 3, Misspelled)
    assert result.status == "failed", result
    assert "NotImplementedError" in result.message


def test_stub_in_a_class_or_a_nested_function_is_not_attempted():
    class Stub(nn.Module):
        def __init__(self):
            super().__init__()
            raise NotImplementedError

    def build():
        def helper():
            raise NotImplementedError

        return helper()

    assert run_check("models/01", 3, Stub).status == "not_attempted"
    assert run_check("models/01", 3, build).status == "not_attempted"


def test_not_implemented_from_a_helper_library_call_is_a_failure():
    def grad_of(f, x):
        return torch.autograd.Function.backward(None, x)  # raises NotImplementedError in torch

    assert run_check("basics/01", 1, grad_of).status == "failed"


# --- global state ------------------------------------------------------------------------------


def test_checking_leaves_the_notebooks_rngs_alone():
    torch.manual_seed(123)
    np.random.seed(123)
    random.seed(123)
    expected = (torch.rand(3), np.random.rand(3), random.random())
    torch.manual_seed(123)
    np.random.seed(123)
    random.seed(123)

    def reseeding_fit_line(x, y, lr, steps):
        torch.manual_seed(0)
        np.random.seed(0)
        return basics_01.fit_line(x, y, lr, steps)

    run_check("basics/01", 3, reseeding_fit_line)
    run_check("basics/02", 2, basics_02.REFERENCE[2])  # its checker seeds model init
    got = (torch.rand(3), np.random.rand(3), random.random())
    assert torch.equal(got[0], expected[0])
    assert np.array_equal(got[1], expected[1]) and got[2] == expected[2]


@pytest.mark.parametrize(
    "side_effect",
    [
        lambda: torch.set_grad_enabled(False),
        lambda: torch.set_default_dtype(torch.float64),
        lambda: torch.set_num_threads(max(1, torch.get_num_threads() + 1)),
        lambda: nn.modules.module.register_module_forward_hook(lambda m, i, o: None),
    ],
    ids=["grad_disabled", "default_dtype", "threads", "global_hook"],
)
def test_a_right_answer_with_a_global_side_effect_fails(side_effect):
    hooks_before = dict(nn.modules.module._global_forward_hooks)

    def grad_of(f, x):
        result = basics_01.grad_of(f, x)
        side_effect()
        return result

    try:
        result = run_check("basics/01", 1, grad_of)
    finally:
        nn.modules.module._global_forward_hooks.clear()
        nn.modules.module._global_forward_hooks.update(hooks_before)
    assert result.status == "failed", result
    # with autograd left off, the checker's next case already fails; the others pass every case
    assert "전역 상태" in result.message or "grad" in result.message
    assert torch.is_grad_enabled() and torch.get_default_dtype() == torch.float32


# --- a checker's own crash ---------------------------------------------------------------------


def test_a_checker_bug_is_reported_as_a_checker_error(monkeypatch):
    source = "def broken_checker(solution):\n    solution(1)\n    undefined_helper()\n"
    namespace: dict = {}
    # compiled as if it lived in the package, like every real checker
    exec(compile(source, str(ROOT / "aiotkit" / "exercises" / "broken.py"), "exec"), namespace)
    broken_checker = namespace["broken_checker"]

    monkeypatch.setitem(
        core._REGISTRY, ("test/00", 1), core.Checker("test/00", 1, "broken", broken_checker)
    )
    result = run_check("test/00", 1, lambda x: x)
    assert result.status == "checker_error", result
    assert "학생의 잘못이 아닙니다" in result.message


def test_a_wrong_signature_is_still_the_students_failure():
    def grad_of(f):  # forgot the second argument
        return f

    result = run_check("basics/01", 1, grad_of)
    assert result.status == "failed" and "TypeError" in result.message


# --- helpers the checkers use ------------------------------------------------------------------


def test_used_names_sees_aliases_methods_strings_and_helpers():
    import torch.nn.functional as F  # noqa: N812
    from torch.nn.functional import conv2d as renamed

    def via_helper(x, w):
        return renamed(x, w)

    def direct(x, w):
        return F.conv2d(x, w)

    def by_string(x, w):
        return getattr(F, "conv2d")(x, w)  # noqa: B009

    def method(x):
        return x.log_softmax(1)

    def honest(x, w):
        return (x * w).sum()

    for fn in (direct, by_string):
        assert "conv2d" in core.used_names(fn), fn.__name__
    assert "log_softmax" in core.used_names(method)
    assert "conv2d" not in core.used_names(honest)
    with pytest.raises(core.CheckFailed, match="규칙 위반"):
        core.expect_not_using(direct, {"conv2d": "F.conv2d"}, "F.conv2d 없이")
    core.expect_not_using(honest, {"conv2d": "F.conv2d"}, "F.conv2d 없이")
    assert via_helper(torch.ones(1, 1, 2, 2), torch.ones(1, 1, 1, 1)).shape == (1, 1, 2, 2)


def test_types_and_unchanged_inputs():
    assert core.is_integer(3) and core.is_integer(np.int64(3))
    assert not core.is_integer(True) and not core.is_integer(3.0)
    assert not core.is_integer(torch.tensor(3))
    core.expect_type(np.float32(0.5), "float", "x")
    with pytest.raises(core.CheckFailed, match=r"\.item\(\)"):
        core.expect_type(torch.tensor(0.5), "float", "x")
    x = torch.arange(4.0)
    core.expect_unchanged(x.clone(), x, "x")
    with pytest.raises(core.CheckFailed, match="제자리"):
        core.expect_unchanged(x.clone(), x.add_(1), "x")
