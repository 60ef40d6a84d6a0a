"""Every exercise checker is proven: the reference passes, wrong answers fail, stubs are
reported as not attempted; and every notebook's check(...) calls have a checker."""

from __future__ import annotations

import importlib
import json
import re

import pytest

from aiotkit.exercises import registry, run_check
from aiotkit.exercises.core import check
from conftest import ROOT

NOTEBOOK_DIRS = ["basics", "models", "training", "advanced", "aiot_applications"]
CHECKERS = sorted(registry())


def _solutions(notebook: str):
    return importlib.import_module("solutions." + notebook.replace("/", "_"))


def _stub(*args, **kwargs):
    raise NotImplementedError("여기에 코드를 작성하세요")


@pytest.mark.parametrize("key", CHECKERS, ids=[f"{nb}#{n}" for nb, n in CHECKERS])
def test_reference_passes(key):
    notebook, number = key
    result = run_check(notebook, number, _solutions(notebook).REFERENCE[number])
    assert result.status == "passed", result.message


MIN_WRONG, MIN_ALTERNATIVES = 5, 2


@pytest.mark.parametrize("key", CHECKERS, ids=[f"{nb}#{n}" for nb, n in CHECKERS])
def test_wrong_answers_fail(key):
    """Each plausible wrong answer (value, rule, side effect, type) is rejected with a message."""
    notebook, number = key
    wrong = _solutions(notebook).WRONG.get(number, [])
    assert len(wrong) >= MIN_WRONG, (
        f"{notebook} #{number}: {len(wrong)} wrong answers; at least {MIN_WRONG} are required"
    )
    for answer in wrong:
        result = run_check(notebook, number, answer)
        assert result.status == "failed", f"{answer.__name__} was not rejected: {result.message}"
        assert result.message


@pytest.mark.parametrize("key", CHECKERS, ids=[f"{nb}#{n}" for nb, n in CHECKERS])
def test_correct_alternatives_pass(key):
    """Correct answers written differently (another API, loop vs vectorised) are accepted."""
    notebook, number = key
    alternatives = getattr(_solutions(notebook), "ALTERNATIVES", {}).get(number, [])
    assert len(alternatives) >= MIN_ALTERNATIVES, (
        f"{notebook} #{number}: {len(alternatives)} alternatives; "
        f"at least {MIN_ALTERNATIVES} are required"
    )
    for answer in alternatives:
        result = run_check(notebook, number, answer)
        assert result.status == "passed", f"{answer.__name__} was rejected: {result.message}"


@pytest.mark.parametrize("key", CHECKERS, ids=[f"{nb}#{n}" for nb, n in CHECKERS])
def test_stub_is_not_attempted(key):
    notebook, number = key
    assert run_check(notebook, number, _stub).status == "not_attempted"


def test_every_solution_module_matches_registry():
    notebooks = {nb for nb, _ in CHECKERS}
    for notebook in notebooks:
        module = _solutions(notebook)
        numbers = {n for nb, n in CHECKERS if nb == notebook}
        assert set(module.REFERENCE) == numbers, notebook
        assert set(module.WRONG) == numbers, notebook
        assert set(getattr(module, "ALTERNATIVES", {})) == numbers, notebook


def _notebook_checks(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    return [
        (m.group(1), int(m.group(2))) for m in re.finditer(r'check\(\s*"([^"]+)",\s*(\d+)', code)
    ]


NOTEBOOKS = sorted(p for d in NOTEBOOK_DIRS for p in (ROOT / d).glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.relative_to(ROOT).as_posix() for p in NOTEBOOKS])
def test_notebook_exercises_are_registered(path):
    calls = _notebook_checks(path)
    key = f"{path.parent.name}/{path.stem[:2]}"
    assert len(calls) >= 3, f"{key}: at least 3 auto-checked exercises expected, found {len(calls)}"
    for notebook, number in calls:
        assert notebook == key, f"check() in {path.name} names {notebook}, expected {key}"
        assert (notebook, number) in registry(), f"no checker for {notebook} #{number}"


def test_check_prints_korean_verdicts(capsys, tmp_path, monkeypatch):
    log = tmp_path / "grades.jsonl"
    monkeypatch.setenv("AIOT_GRADE_LOG", str(log))
    check("basics/01", 1, _stub)
    check("basics/01", 1, _solutions("basics/01").REFERENCE[1])
    check("basics/01", 1, _solutions("basics/01").WRONG[1][0])
    out = capsys.readouterr().out
    assert "아직 풀지 않음" in out and "통과" in out and "실패" in out and "기대한 값" in out
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in lines] == ["not_attempted", "passed", "failed"]


def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(KeyError, match="채점기가 없습니다"):
        run_check("basics/01", 99, _stub)


def test_non_callable_answer_fails():
    assert run_check("basics/01", 1, 42).status == "failed"
