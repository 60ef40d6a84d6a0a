"""The student release (``make release``): no reference answer anywhere in it, and public checks
that pass the reference and fail wrong answers, run in a fresh interpreter on the release alone."""

from __future__ import annotations

import importlib.util
import inspect
import json
import subprocess
import sys
import textwrap

import pytest

from aiotkit.release import build_release, build_solutions
from conftest import ROOT

KEYS = {"basics/01"}


def _reference_bodies() -> list[tuple[str, str]]:
    """(name, body) of every reference answer in tests/solutions (bodies with whitespace
    normalised; one-line bodies of under 30 characters are too generic to look for)."""
    bodies = []
    for path in sorted((ROOT / "tests" / "solutions").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"_release_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        for answer in getattr(module, "REFERENCE", {}).values():
            source = textwrap.dedent(inspect.getsource(answer))
            lines = source.splitlines()
            start = next(i for i, line in enumerate(lines) if line.rstrip().endswith(":")) + 1
            body = " ".join(" ".join(lines[start:]).split())
            if len(body) >= 30:
                bodies.append((f"{path.stem}.{answer.__name__}", body))
    return bodies


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return build_release(tmp_path_factory.mktemp("rel") / "course", only=KEYS)


def test_release_holds_no_reference_answer(release):
    assert not (release / "tests").exists()
    exercises = sorted(p.name for p in (release / "aiotkit" / "exercises").glob("*.py"))
    assert exercises == ["__init__.py", "core.py", "public.py"]
    texts = []
    for path in release.rglob("*"):
        if path.is_file() and path.suffix in {".py", ".ipynb", ".md", ".txt", ".toml", ".json"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".ipynb":
                cells = json.loads(text)["cells"]
                text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
            texts.append(" ".join(text.split()))
    corpus = "\n".join(texts)
    bodies = _reference_bodies()
    assert len(bodies) > 20
    leaked = [name for name, body in bodies if body in corpus]
    assert leaked == []


PUBLIC = """
import json, sys
sys.path.insert(0, {solutions!r})
import basics_01
from aiotkit.exercises import core, public
assert not any(m.startswith("aiotkit.exercises.basics") for m in sys.modules)
out = {{}}
for n in (1, 2, 3):
    ref = public.public_check("basics/01", n, basics_01.REFERENCE[n]).status
    wrong = [public.public_check("basics/01", n, w).status for w in basics_01.WRONG[n]]
    def stub(*args):
        raise NotImplementedError
    out[n] = [ref, wrong, public.public_check("basics/01", n, stub).status]
import aiotkit.exercises.core as c
print(json.dumps(out))
"""


def test_public_checks_pass_the_reference_and_fail_wrong_answers(release):
    code = PUBLIC.format(solutions=str(ROOT / "tests" / "solutions"))
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=release,
        env={"PYTHONPATH": str(release), "PATH": "/usr/bin:/bin", "HOME": str(release)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    for number, (reference, wrong, stub) in out.items():
        assert reference == "passed", number
        assert stub == "not_attempted", number
        # rules (no loops, no library distance) are checked by the instructor's grading only
        assert wrong.count("failed") >= len(wrong) - 2, (number, wrong)
        assert "failed" in wrong


def test_solutions_fill_in_the_reference(tmp_path):
    paths = build_solutions(tmp_path, execute=False)
    solved = next(p for p in paths if p.name.startswith("01_tensors"))
    text = solved.read_text(encoding="utf-8")
    assert "x.grad.detach()" in text


def test_solved_cells_stand_alone():
    """What `make solutions` puts in a notebook runs by itself: the reference's imports and
    helpers come with it (no NameError in the published solutions)."""
    from aiotkit.exercises import registry, run_check
    from aiotkit.release import reference, solution_source

    for notebook, number in sorted(registry()):
        ref = reference(notebook, number)
        namespace: dict = {}
        exec(compile(solution_source(ref, "answer"), "<solution>", "exec"), namespace)  # noqa: S102
        result = run_check(notebook, number, namespace["answer"])
        assert result.status == "passed", (notebook, number, result.message)
