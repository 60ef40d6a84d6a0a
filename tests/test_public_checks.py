"""The public checks of the student release, for every exercise (in-process: the public data is
recorded here as ``make release`` records it): correct answers are never failed, a stub is "not
attempted", and wrong answers are caught — including the statements' "do not use …" rules."""

from __future__ import annotations

import importlib
from functools import cache

import pytest

from aiotkit.exercises import public, registry
from aiotkit.release import public_data

CHECKERS = sorted(registry())


@cache
def _data(notebook: str) -> dict:
    return public_data(notebook)


def _stub(*args, **kwargs):
    raise NotImplementedError("여기에 코드를 작성하세요")


@pytest.mark.parametrize("key", CHECKERS, ids=[f"{nb}#{n}" for nb, n in CHECKERS])
def test_public_check(key, monkeypatch):
    notebook, number = key
    monkeypatch.setattr(public, "_load", lambda nb: _data(nb))
    module = importlib.import_module("solutions." + notebook.replace("/", "_"))
    correct = [module.REFERENCE[number], *getattr(module, "ALTERNATIVES", {}).get(number, [])]
    if _data(notebook)[number]["calls"] is None:  # no output comparison: only the rules
        for answer in correct:
            assert public.public_check(notebook, number, answer).status == public.UNCHECKED
        return
    CHECKED.append(key)
    for answer in correct:
        result = public.public_check(notebook, number, answer)
        assert result.status == "passed", (getattr(answer, "__name__", answer), result.message)
    assert public.public_check(notebook, number, _stub).status == "not_attempted"
    wrong = [public.public_check(notebook, number, w).status for w in module.WRONG[number]]
    assert "passed" not in wrong or "failed" in wrong, wrong


CHECKED: list = []


def test_most_exercises_have_a_public_check():
    """Run after the per-exercise tests (same module): the public checks cover most exercises."""
    if len(CHECKED) < len(CHECKERS):  # run alone: compute
        for notebook, number in CHECKERS:
            if _data(notebook)[number]["calls"] is not None:
                CHECKED.append((notebook, number))
    assert len(set(CHECKED)) >= 42, len(set(CHECKED))
