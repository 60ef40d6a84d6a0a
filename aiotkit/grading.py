"""Grade exercise notebooks: ``make grade SUBMISSIONS=dir/`` and ``make progress``.

Each submitted notebook is executed in its own worker process and its own Jupyter kernel, with a
per-notebook time limit. Every ``check(...)`` call in it appends its verdict to a log (the
``AIOT_GRADE_LOG`` file, see :mod:`aiotkit.exercises.core`); exercises that never reached their
check get the reason instead. Verdicts:

- ``passed`` / ``failed`` / ``not_attempted`` / ``checker_error`` — what the checker said;
- ``errored``   — the notebook raised before this exercise's check ran;
- ``timed_out`` — the notebook ran past its time limit before this check ran;
- ``invalid``   — the file is not a readable notebook (corrupt JSON, wrong format);
- ``missing``   — the notebook ran, but never called the check for this exercise.

This executes student code with your permissions. It is not a sandbox: grade in a throw-away
account, container or VM if you do not trust the submissions.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from aiotkit.paths import project_root

__all__ = ["Grade", "curriculum_notebooks", "grade_notebook", "grade_submissions", "main"]

NOTEBOOK_DIRS = ("basics", "models", "training", "advanced", "aiot_applications")
VERDICTS = (
    "passed",
    "failed",
    "not_attempted",
    "checker_error",
    "errored",
    "timed_out",
    "invalid",
    "missing",
)
_EXIT_CELL_ERROR, _EXIT_TIMEOUT = 3, 4


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
    from aiotkit.exercises import registry

    return sorted(number for notebook, number in registry() if notebook == key)


def _worker(notebook: str, timeout: float) -> int:
    """Run in a child process: execute ``notebook`` in place of nothing (outputs are discarded)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    path = Path(notebook)
    nb = nbformat.read(path, as_version=4)
    deadline = time.monotonic() + timeout
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=int(timeout),
        timeout_func=lambda cell: max(1, int(deadline - time.monotonic())),
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except CellTimeoutError:
        print("시간 초과 (timed out)", file=sys.stderr)
        return _EXIT_TIMEOUT
    except CellExecutionError as exc:
        lines = [line for line in str(exc).splitlines() if line.strip()]
        print(lines[-1] if lines else "셀 실행 오류", file=sys.stderr)
        return _EXIT_CELL_ERROR
    return 0


def grade_notebook(path: Path, key: str, student: str, timeout: float = 300.0) -> list[Grade]:
    """Execute one submitted notebook and return a verdict for each of its exercises."""
    numbers = _exercises(key)
    try:
        import nbformat

        nbformat.validate(nbformat.read(path, as_version=4))
    except Exception as exc:  # noqa: BLE001 — any unreadable file is a verdict
        reason = f"노트북 파일을 읽을 수 없습니다 (invalid notebook): {type(exc).__name__}"
        return [Grade(student, key, n, "invalid", reason) for n in numbers]

    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "verdicts.jsonl"
        env = {**os.environ, "AIOT_GRADE_LOG": str(log), "PYTHONUNBUFFERED": "1"}
        env.setdefault("MPLBACKEND", "Agg")
        command = [
            sys.executable,
            "-m",
            "aiotkit.grading",
            "--_worker",
            str(path),
            "--timeout",
            str(timeout),
        ]
        proc = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            _, err = proc.communicate(timeout=timeout + 60)  # the worker enforces `timeout` itself
            code = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, err = proc.communicate()
            code = _EXIT_TIMEOUT
        seen: dict[int, tuple[str, str]] = {}
        if log.exists():
            for line in log.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                if record["notebook"] == key:
                    seen[int(record["number"])] = (record["status"], record["message"])

    plain = re.sub(r"\x1b\[[0-9;]*m", "", err or "")  # drop terminal colour codes
    last_line = plain.strip().splitlines()[-1:] or [""]
    grades = []
    for n in numbers:
        if n in seen:
            verdict, message = seen[n]
        elif code == _EXIT_TIMEOUT:
            verdict, message = (
                "timed_out",
                f"{timeout:.0f}초 안에 이 실습의 채점까지 가지 못했습니다",
            )
        elif code != 0:
            verdict, message = "errored", f"채점 전에 노트북이 오류로 멈췄습니다: {last_line[0]}"
        else:
            verdict, message = "missing", f'check("{key}", {n}, ...) 호출이 없습니다'
        grades.append(Grade(student, key, n, verdict, message))
    return grades


def grade_submissions(submissions: Path, timeout: float = 300.0) -> list[Grade]:
    """Grade every student folder under ``submissions`` (one folder per student; notebooks
    anywhere inside it, named as in the curriculum)."""
    if not submissions.is_dir():
        raise FileNotFoundError(f"제출 폴더가 없습니다: {submissions}")
    known = curriculum_notebooks()
    grades: list[Grade] = []
    students = sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not students:
        raise ValueError(f"{submissions} 안에 학생 폴더가 없습니다 (한 학생당 폴더 하나)")
    for student_dir in students:
        for path in sorted(student_dir.rglob("*.ipynb")):
            if ".ipynb_checkpoints" in path.parts:
                continue
            key = known.get(path.name)
            if key is None:
                print(
                    f"  건너뜀 (커리큘럼에 없는 이름): {student_dir.name}/{path.relative_to(student_dir)}"
                )
                continue
            started = time.perf_counter()
            rows = grade_notebook(path, key, student_dir.name, timeout)
            counts = Counter(g.verdict for g in rows)
            print(
                f"  {student_dir.name:12} {key:22} {time.perf_counter() - started:6.1f} s  {dict(counts)}",
                flush=True,
            )
            grades.extend(rows)
    return grades


def write_csv(grades: list[Grade], path: Path) -> None:
    """Write grades.csv: student, notebook, exercise, verdict, message."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "notebook", "exercise", "verdict", "message"])
        for g in grades:
            writer.writerow([g.student, g.notebook, g.exercise, g.verdict, g.message])
    os.replace(tmp, path)


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Grade curriculum exercise notebooks (not a sandbox)."
    )
    parser.add_argument("submissions", nargs="?", help="folder with one sub-folder per student")
    parser.add_argument("--csv", default="grades.csv", help="where to write the grades (CSV)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per notebook")
    parser.add_argument("--progress", metavar="ROOT", help="grade your own notebooks under ROOT")
    parser.add_argument("--_worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._worker:
        return _worker(args._worker, args.timeout)
    print("주의: 채점은 제출된 코드를 그대로 실행합니다 — 샌드박스가 아닙니다 (not a sandbox).")
    if args.progress:
        root = Path(args.progress)
        known = curriculum_notebooks()
        grades = []
        for folder in NOTEBOOK_DIRS:
            for path in sorted((root / folder).glob("*.ipynb")):
                if path.name in known:
                    grades.extend(grade_notebook(path, known[path.name], "me", args.timeout))
                    print(f"  {known[path.name]} 채점 완료", flush=True)
        print(progress_table(grades))
        return 0
    if not args.submissions:
        parser.error("SUBMISSIONS 폴더를 지정하세요 (make grade SUBMISSIONS=폴더/)")
    grades = grade_submissions(Path(args.submissions), args.timeout)
    write_csv(grades, Path(args.csv))
    print(summary_table(grades))
    print(f"\n{len(grades)}개 결과를 {args.csv}에 썼습니다.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
