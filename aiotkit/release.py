"""The students' copy of the course: ``make release DEST=dir`` and ``make solutions``.

A release holds the notebooks (with their stubs), ``data/``, the ``aiotkit`` package without
any checker module, and public checks: for each exercise, the arguments of the calls the checker
makes and what the reference answer returned, stored as data (``aiotkit/exercises/public/*.pt``)
and generated here from the reference at release time. No reference implementation, no
``tests/solutions`` and no grading inputs are in it. The same package (without the public data)
is what a submission sees in the grading sandbox.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

from aiotkit.paths import project_root

__all__ = ["build_package", "build_release", "build_solutions", "main"]

NOTEBOOK_DIRS = ("basics", "models", "training", "advanced", "aiot_applications")
_PACKAGE_KEEP = {"core.py", "__init__.py", "public.py"}


def _ignore_checkers(folder: str, names: list[str]) -> set[str]:
    ignored = {n for n in names if n in ("__pycache__",) or n.endswith((".pyc", ".pt"))}
    if Path(folder).name == "exercises":
        ignored |= {n for n in names if n.endswith(".py") and n not in _PACKAGE_KEEP}
    return ignored


def build_package(dest: Path, root: Path | None = None) -> Path:
    """Copy ``aiotkit`` without checker modules (and ``data/``) into ``dest`` (a project root)."""
    root = root or project_root()
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(root / "aiotkit", dest / "aiotkit", ignore=_ignore_checkers)
    if (root / "data").is_dir():
        shutil.copytree(root / "data", dest / "data")
    return dest


def _solutions_module(key: str, root: Path):
    import importlib.util

    path = root / "tests" / "solutions" / f"{key.replace('/', '_')}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"_aiot_solutions_{key.replace('/', '_')}", path)
    if spec.name in sys.modules:
        return sys.modules[spec.name]
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def reference(key: str, number: int, root: Path | None = None):
    """The reference answer of one exercise (tests/solutions/<nb>.py ``REFERENCE``), or None."""
    module = _solutions_module(key, root or project_root())
    return None if module is None else getattr(module, "REFERENCE", {}).get(number)


def public_data(key: str, root: Path | None = None) -> dict:
    """Record each checker's calls on the reference answer: ``{number: {title, calls}}`` where
    a call is ``{"args", "kwargs", "result"}`` (encoded plain data). Exercises whose calls are not
    plain data are left out (their public check then says so)."""
    from aiotkit.exercises.core import _REGISTRY, _module_name, load_checkers, run_check
    from aiotkit.grading import Recorder, fixed_tempdirs, tmp_base

    load_checkers(key)
    checkers = sys.modules[_module_name(key)]
    data: dict = {}
    for (notebook, number), checker in sorted(_REGISTRY.items()):
        if notebook != key:
            continue
        ref = reference(key, number, root)
        entry = {"title": checker.title, "calls": None, "rules": [], "tmpbase": None}
        if ref is not None:
            recorder = Recorder(ref, keep_results=True)
            rules: list = []
            original = getattr(checkers, "expect_not_using", None)

            def remember(solution, forbidden, rule, _original=original, _rules=rules):
                _rules.append((dict(forbidden), rule))
                return _original(solution, forbidden, rule)

            if original is not None:
                checkers.expect_not_using = remember
            try:
                with fixed_tempdirs():
                    result = run_check(key, number, recorder)
            finally:
                if original is not None:
                    checkers.expect_not_using = original
            if result.passed and recorder.problem is None:
                entry.update(calls=recorder.calls, rules=rules, tmpbase=str(tmp_base()))
                if not _public_check_holds(key, number, entry, root):
                    entry["calls"] = None  # comparing outputs cannot judge this one: rules only
        data[number] = entry
    return data


def _public_check_holds(key: str, number: int, entry: dict, root: Path | None) -> bool:
    """A public check is offered only where comparing outputs with the reference's accepts
    every known correct answer (the reference and tests/solutions' alternatives) and rejects at
    least one known wrong answer: functions that are meant to change their inputs, or whose
    correct results differ in form, or whose mistakes do not show in the output, get none."""
    from aiotkit.exercises.public import public_check

    module = _solutions_module(key, root or project_root())
    answers = [reference(key, number, root), *getattr(module, "ALTERNATIVES", {}).get(number, [])]
    wrong = getattr(module, "WRONG", {}).get(number, [])
    return all(
        public_check(key, number, answer, entry=entry).status == "passed" for answer in answers
    ) and (
        not wrong
        or any(public_check(key, number, w, entry=entry).status == "failed" for w in wrong)
    )


def build_release(dest: Path, root: Path | None = None, only: set[str] | None = None) -> Path:
    """Write the students' copy to ``dest`` (which must not exist or be empty); ``only`` limits
    it to some notebooks (keys such as "basics/01")."""
    import torch

    from aiotkit.grading import curriculum_notebooks

    root = root or project_root()
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest}가 비어 있지 않습니다")
    build_package(dest, root)
    public = dest / "aiotkit" / "exercises" / "public_data"
    public.mkdir(parents=True, exist_ok=True)
    for name, key in curriculum_notebooks(root).items():
        if only is not None and key not in only:
            continue
        folder = key.split("/")[0]
        (dest / folder).mkdir(exist_ok=True)
        shutil.copy2(root / folder / name, dest / folder / name)
        torch.save(public_data(key, root), public / f"{key.replace('/', '_')}.pt")
    for extra in ("README.md", "GLOSSARY.md", "requirements.txt", "pyproject.toml", "Makefile"):
        if (root / extra).exists():
            shutil.copy2(root / extra, dest / extra)
    return dest


def build_solutions(dest: Path, root: Path | None = None, execute: bool = True) -> list[Path]:
    """Solved copies of the notebooks: each exercise's stub is replaced by the reference answer
    (tests/solutions), then the notebook is executed so its checks show ✅."""

    import nbformat

    from aiotkit.grading import curriculum_notebooks, notebook_checks

    root = root or project_root()
    written = []
    for name, key in curriculum_notebooks(root).items():
        folder = key.split("/")[0]
        nb = nbformat.read(root / folder / name, as_version=4)
        code_cells = [c for c in nb.cells if c.cell_type == "code"]
        for number, fname, cell_index in notebook_checks(nb):
            if number is None:
                continue
            ref = reference(key, number, root)
            if ref is None:
                continue
            source = solution_source(ref, fname)
            _replace_definition(code_cells[: cell_index + 1], fname, source)
        target = dest / folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        written.append(target)
    if execute:
        import subprocess

        for path in written:
            subprocess.run(
                [sys.executable, "-m", "aiotkit.execute", str(path)], check=False, cwd=root
            )
    return written


def solution_source(ref: Any, name: str) -> str:
    """The reference answer as notebook code that stands alone: the imports and the helper
    functions/classes of tests/solutions it uses, then its source (renamed to ``name``)."""
    import ast
    import inspect
    import textwrap
    import types

    module = sys.modules[ref.__module__]
    imports: list[str] = []
    helpers: list[str] = []
    seen: set[str] = {ref.__name__}
    pending = [ref]
    while pending:
        item = pending.pop()
        tree = ast.parse(textwrap.dedent(inspect.getsource(item)))
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        for global_name in sorted(names - seen):
            value = vars(module).get(global_name)
            if value is None:
                continue
            seen.add(global_name)
            if isinstance(value, types.ModuleType):
                line = f"import {value.__name__}"
                if value.__name__ != global_name:
                    line += f" as {global_name}"
                imports.append(line)
            elif getattr(value, "__module__", None) == module.__name__ and (
                inspect.isfunction(value) or inspect.isclass(value)
            ):
                helpers.append(inspect.getsource(value))
                pending.append(value)
            elif getattr(value, "__module__", None) and hasattr(value, "__name__"):
                line = f"from {value.__module__} import {value.__name__}"
                if value.__name__ != global_name:
                    line += f" as {global_name}"
                imports.append(line)
    parts = ["\n".join(sorted(set(imports)))] if imports else []
    parts += [h.rstrip() for h in reversed(helpers)]
    parts.append(inspect.getsource(ref).rstrip())
    if ref.__name__ != name:
        parts.append(f"{name} = {ref.__name__}")
    return "\n\n\n".join(parts) + "\n"


def _replace_definition(cells: list, name: str, source: str) -> None:
    """Replace the last top-level ``def name`` / ``class name`` in ``cells`` by ``source``."""
    import ast

    for cell in reversed(cells):
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
                lines = cell.source.splitlines()
                start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
                imports = "import numpy as np\nimport torch\nfrom torch import nn\n"
                new = lines[:start] + (imports + source).rstrip().splitlines()
                cell.source = "\n".join(new + lines[node.end_lineno :])
                return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the student release or solved notebooks.")
    parser.add_argument("what", choices=["release", "solutions"])
    parser.add_argument("dest")
    parser.add_argument("--no-execute", action="store_true", help="solutions: do not execute")
    args = parser.parse_args(argv)
    dest = Path(args.dest)
    if args.what == "release":
        build_release(dest)
        print(f"학생용 배포본을 {dest}에 만들었습니다 (정답 코드 없음).")
    else:
        paths = build_solutions(dest, execute=not args.no_execute)
        print(f"풀이가 채워진 노트북 {len(paths)}개를 {dest}에 만들었습니다.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
