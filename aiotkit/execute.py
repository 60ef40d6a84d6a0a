"""Re-execute notebooks in place, each in a fresh kernel: ``python -m aiotkit.execute PATH...``.

Used by ``make execute`` (with ``AIOT_DEVICE=cpu``) so that stored outputs are reproducible.
A notebook that fails is left untouched on disk, and the command exits non-zero.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from aiotkit.paths import project_root


def find_notebooks(targets: list[str]) -> list[Path]:
    """Expand folders into their ``*.ipynb`` files (sorted); raise on a missing path."""
    found: list[Path] = []
    for target in targets:
        path = Path(target)
        if path.is_dir():
            found.extend(sorted(path.glob("*.ipynb")))
        elif path.is_file() and path.suffix == ".ipynb":
            found.append(path)
        else:
            raise FileNotFoundError(f"노트북이나 폴더가 아닙니다: {target}")
    return found


def execute_notebook(path: Path, timeout: int = 600) -> float:
    """Execute ``path`` in a fresh kernel (cwd = its folder) and save it; return seconds."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    handle, tmp = tempfile.mkstemp(suffix=".ipynb", dir=path.parent)
    os.close(handle)
    nbformat.write(nb, tmp)
    os.chmod(tmp, path.stat().st_mode & 0o777)  # mkstemp makes 0600 files; keep the original mode
    os.replace(tmp, path)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="+", help="notebooks or folders")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    failures = 0
    for path in find_notebooks(args.paths):
        shown = (
            path.resolve().relative_to(project_root())
            if path.resolve().is_relative_to(project_root())
            else path
        )
        try:
            seconds = execute_notebook(path, args.timeout)
        except CellExecutionError as exc:
            failures += 1
            print(f"FAILED  {shown}\n{str(exc)[-2000:]}", flush=True)
            continue
        print(f"{seconds:7.1f} s  {shown}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
