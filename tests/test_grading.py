"""Grading a simulated class (tests/fixtures/submissions): every kind of submission gets the
right verdicts, and the whole grading finishes in bounded time."""

from __future__ import annotations

import csv
import shutil
import time

import pytest

from aiotkit.grading import (
    curriculum_notebooks,
    grade_notebook,
    main,
    progress_table,
    summary_table,
)
from conftest import ROOT

CLASS = ROOT / "tests" / "fixtures" / "submissions"
NAME = "01_tensors_and_autograd.ipynb"


def _verdicts(student: str, timeout: float = 120.0) -> list[str]:
    rows = grade_notebook(CLASS / student / NAME, "basics/01", student, timeout)
    assert [r.exercise for r in rows] == [1, 2, 3]
    return [r.verdict for r in rows]


def test_curriculum_names_map_to_keys():
    assert curriculum_notebooks()[NAME] == "basics/01"


def test_cli_writes_csv_and_summary(tmp_path, capsys):
    submissions = tmp_path / "class"
    for student in ("alice_complete", "bob_partial", "frank_corrupt"):
        shutil.copytree(CLASS / student, submissions / student)
    (submissions / "bob_partial" / "notes.ipynb").write_text("{}", encoding="utf-8")  # unknown name
    out_csv = tmp_path / "grades.csv"
    feedback = tmp_path / "feedback"
    args = ["--timeout", "120", "--feedback", str(feedback)]
    assert main([str(submissions), "--csv", str(out_csv), *args]) == 0
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert list(rows[0]) == ["student", "notebook", "exercise", "verdict", "message", "sandbox"]
    assert {r["sandbox"] for r in rows} == {"bwrap"}
    verdicts = {(r["student"], int(r["exercise"])): r["verdict"] for r in rows}
    assert verdicts == {
        ("alice_complete", 1): "passed",
        ("alice_complete", 2): "passed",
        ("alice_complete", 3): "passed",
        ("bob_partial", 1): "passed",
        ("bob_partial", 2): "not_attempted",
        ("bob_partial", 3): "not_attempted",
        ("frank_corrupt", 1): "invalid",
        ("frank_corrupt", 2): "invalid",
        ("frank_corrupt", 3): "invalid",
    }
    printed = capsys.readouterr().out
    assert "샌드박스: bubblewrap" in printed and "3/3" in printed and "건너뜀" in printed
    bob = (feedback / "bob_partial.md").read_text(encoding="utf-8")
    assert "| basics/01 | 2 | ⏳ not_attempted |" in bob and "통과 1/3" in bob
    # a re-run on the same submissions writes the same CSV
    again = tmp_path / "again.csv"
    assert main([str(submissions), "--csv", str(again), "--timeout", "120"]) == 0
    assert again.read_bytes() == out_csv.read_bytes()


def test_wrong_answer_fails_with_message():
    rows = grade_notebook(CLASS / "carol_wrong" / NAME, "basics/01", "carol", 120)
    assert [r.verdict for r in rows] == ["passed", "failed", "passed"]
    assert "기대한 값" in rows[1].message


def test_error_mid_notebook_marks_later_exercises_errored():
    rows = grade_notebook(CLASS / "dave_raises" / NAME, "basics/01", "dave", 120)
    assert [r.verdict for r in rows] == ["passed", "errored", "errored"]
    assert "IndexError" in rows[1].message and "\x1b" not in rows[1].message


def test_endless_notebook_times_out_in_bounded_time():
    started = time.perf_counter()
    assert _verdicts("erin_hangs", timeout=90) == ["passed", "timed_out", "timed_out"]
    assert time.perf_counter() - started < 200


def test_missing_submission_folder(tmp_path):
    from aiotkit.grading import grade_submissions

    with pytest.raises(FileNotFoundError):
        grade_submissions(tmp_path / "nope")
    with pytest.raises(ValueError):
        grade_submissions(tmp_path)


def test_tables():
    from aiotkit.grading import Grade

    grades = [Grade("s", "basics/01", 1, "passed", ""), Grade("s", "basics/01", 2, "failed", "x")]
    assert "1/2" in summary_table(grades)
    assert "basics/" in progress_table(grades) and "1/2" in progress_table(grades)
