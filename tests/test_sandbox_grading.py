"""Grading a hostile class in the bubblewrap sandbox (issue #19's "done when").

A forger, a patcher, a junk writer, an escaper (writes outside its folder, calls a loopback
server), a reader (reads a file planted in a fake $HOME), a memory hog, a process spawner and one
that never ends — all with untouched stubs — next to an honest partial student and a correct one.
The test fails if the sandbox is not really on (it does not skip: CI must install bubblewrap).
"""

from __future__ import annotations

import csv
import hashlib
import secrets
import socket
import threading
import time
from pathlib import Path

import nbformat

from aiotkit.grading import main
from conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
NAME = "01_tensors_and_autograd.ipynb"
STUBS = {
    "grad_of": "def grad_of(f, x):\n    raise NotImplementedError",
    "pairwise_sq_distances": "def pairwise_sq_distances(a, b):\n    raise NotImplementedError",
    "fit_line": "def fit_line(x, y, lr, steps):\n    raise NotImplementedError",
}
HOSTILE = ["forger", "patcher", "junk", "escaper", "reader", "memory_hog", "spawner", "sleeper"]


def _stub_notebook(drop_definitions: bool = False) -> nbformat.NotebookNode:
    """alice's (correct) copy of basics/01 with each exercise put back to its stub."""
    nb = nbformat.read(FIXTURES / "submissions" / "alice_complete" / NAME, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or "check(" not in cell.source:
            continue
        check_line = cell.source[cell.source.index("check(") :]
        name = check_line.split(",")[-1].strip(" )\n")
        cell.source = check_line if drop_definitions else f"{STUBS[name]}\n\n\n{check_line}"
    return nb


def _hostile_class(folder: Path, planted: Path, port: int, outside: Path) -> None:
    for name in HOSTILE:
        source = (FIXTURES / "hostile" / f"{name}.py").read_text(encoding="utf-8")
        source = source.replace("@PLANTED@", str(planted)).replace("@PORT@", str(port))
        source = source.replace("@OUTSIDE@", str(outside))
        nb = _stub_notebook(drop_definitions=name == "reader")
        nb.cells.insert(1, nbformat.v4.new_code_cell(source))
        (folder / name).mkdir(parents=True)
        nbformat.write(nb, folder / name / NAME)
    for student in ("alice_complete", "bob_partial"):
        (folder / student).mkdir()
        (folder / student / NAME).write_bytes(
            (FIXTURES / "submissions" / student / NAME).read_bytes()
        )


class _Server:
    """A loopback TCP server that counts the connections it gets."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_hostile_class_is_graded_in_the_sandbox(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    home.mkdir()
    token = secrets.token_hex(16)
    planted = home / "secret.txt"
    planted.write_text(f"PLANTED-{token}", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    outside = tmp_path / "outside"
    outside.mkdir()
    server = _Server()
    submissions = tmp_path / "class"
    _hostile_class(submissions, planted, server.port, outside)
    before = _tree_digest(submissions)
    out_csv, feedback = tmp_path / "grades.csv", tmp_path / "feedback"
    started = time.perf_counter()
    try:
        code = main(
            [
                str(submissions),
                "--csv",
                str(out_csv),
                "--feedback",
                str(feedback),
                "--timeout",
                "90",
            ]
        )
    finally:
        server.close()
    elapsed = time.perf_counter() - started
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "샌드박스: bubblewrap" in printed.out  # the sandbox was really on

    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert {r["sandbox"] for r in rows} == {"bwrap"}
    verdicts = {(r["student"], int(r["exercise"])): r["verdict"] for r in rows}
    table = "\n".join(f"{s:14} {e} {v}" for (s, e), v in sorted(verdicts.items()))
    print(f"\nhostile class graded in {elapsed:.0f} s\n{table}")
    students = set(HOSTILE) | {"alice_complete", "bob_partial"}
    assert {s for s, _ in verdicts} == students  # the whole class was graded
    assert len(verdicts) == 3 * len(students)
    for name in HOSTILE:  # untouched stubs: never passed, whatever the first cell did
        assert all(verdicts[(name, n)] != "passed" for n in (1, 2, 3)), name
    assert [verdicts[("alice_complete", n)] for n in (1, 2, 3)] == ["passed"] * 3
    assert [verdicts[("bob_partial", n)] for n in (1, 2, 3)] == [
        "passed",
        "not_attempted",
        "not_attempted",
    ]
    assert {verdicts[("sleeper", n)] for n in (1, 2, 3)} == {"timed_out"}
    assert {verdicts[("memory_hog", n)] for n in (1, 2, 3)} == {"errored"}
    assert {verdicts[("spawner", n)] for n in (1, 2, 3)} == {"errored"}
    assert {verdicts[("reader", n)] for n in (1, 2, 3)} == {"failed"}

    # nothing outside the sandbox changed, nobody was reached, nothing leaked
    assert server.connections == 0
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in home.iterdir()) == ["secret.txt"]
    assert not Path("/work/escaped.txt").exists()
    assert _tree_digest(submissions) == before
    results = out_csv.read_text(encoding="utf-8") + printed.out + printed.err
    results += "".join(p.read_text(encoding="utf-8") for p in feedback.glob("*.md"))
    assert token not in results
    assert sorted(p.stem for p in feedback.glob("*.md")) == sorted(students)


SOLVED = [
    "basics/04",
    "advanced/02",
]  # checker objects, bound methods, DataLoader; paths, optimizers


def test_solved_notebooks_pass_in_the_sandbox(tmp_path):
    """The reference answers, graded for real in bubblewrap: every exercise passes, through the
    transcripts of modules, optimizers, a checker's objects and its methods, data loaders and
    checkpoint files (not only basics/01's plain tensors)."""
    import os
    import subprocess
    import sys
    import tempfile

    from aiotkit.grading import curriculum_notebooks
    from aiotkit.release import build_solutions

    shared = Path(tempfile.mkdtemp(prefix="aiot_unpriv_"))
    try:
        os.chmod(shared, 0o777)
        solved = shared / "solved"
        build_solutions(solved, execute=False)
        student = shared / "class" / "kim"
        student.mkdir(parents=True)
        names = {key: name for name, key in curriculum_notebooks().items()}
        for key in SOLVED:
            folder = key.split("/")[0]
            (student / names[key]).write_bytes((solved / folder / names[key]).read_bytes())
        for path in [shared, *shared.rglob("*")]:
            os.chmod(path, 0o777 if path.is_dir() else 0o666)
        out = shared / "grades.csv"
        command = [sys.executable, "-m", "aiotkit.grading", str(shared / "class")]
        command += ["--csv", str(out), "--feedback", str(shared / "feedback"), "--timeout", "240"]
        env = dict(os.environ, HOME=str(shared))
        result = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
        )
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
        assert "샌드박스: bubblewrap" in result.stdout
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        assert {r["sandbox"] for r in rows} == {"bwrap"}
        got = {(r["notebook"], int(r["exercise"])): (r["verdict"], r["message"]) for r in rows}
        assert {nb for nb, _ in got} == set(SOLVED)
        for (notebook, number), (verdict, message) in got.items():
            assert verdict == "passed", (notebook, number, message)
    finally:
        import shutil

        shutil.rmtree(shared, ignore_errors=True)
