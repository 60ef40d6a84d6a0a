"""Per-notebook timings from nbval runs, and the README table that compares two machines.

The root ``conftest.py`` writes a timings file when ``AIOT_DURATIONS_JSON`` names one::

    AIOT_DURATIONS_JSON=timings/cpu.json make notebooks            # this 2-core CPU
    AIOT_DURATIONS_JSON=$OUT/gpu.json make test PYTHON=python3     # a GPU machine

Each file records a *fingerprint* of the notebooks' code cells, so two files can only be put
side by side when they timed the same notebooks (the same commit's code; stored outputs do not
count). ``python -m aiotkit.timing README.md CPU.json GPU.json`` then rewrites the table between
the ``<!-- GPU-TABLE -->`` markers of the README.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

import nbformat

START_MARKER = "<!-- GPU-TABLE -->"
END_MARKER = "<!-- /GPU-TABLE -->"
_REQUIRED = ("fingerprint", "device", "torch", "notebooks", "failed")


def notebook_fingerprint(
    paths: list[str | os.PathLike[str]], root: str | os.PathLike[str] = "."
) -> str:
    """Return a short SHA-256 over the notebooks' paths (relative to ``root``) and code cells.

    Outputs, execution counts and metadata are ignored, so re-executing a notebook keeps its
    fingerprint while any change to its code changes it.

    Raises:
        FileNotFoundError: a notebook does not exist.
    """
    digest = hashlib.sha256()
    for path in sorted(Path(p).as_posix() for p in paths):
        full = Path(root) / path
        if not full.is_file():
            raise FileNotFoundError(f"노트북이 없습니다: {full}")
        digest.update(path.encode())
        for cell in nbformat.read(full, as_version=4).cells:
            if cell.cell_type == "code":
                digest.update(b"\0" + cell.source.encode())
    return digest.hexdigest()[:16]


def device_label() -> str:
    """Describe where the notebooks ran: the GPU's name, or the CPU's core count."""
    import torch

    if os.environ.get("AIOT_DEVICE", "").lower() != "cpu" and torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return f"CPU ({os.cpu_count()} cores)"


def timings_record(
    durations: dict[str, float], failed: set[str], workers: int = 1, root: str = "."
) -> dict:
    """Build the JSON record that ``conftest.py`` writes for one nbval run.

    ``workers`` is the number of notebooks that ran at once (pytest-xdist); only serial runs
    (``workers == 1``) give times that can be compared across machines.
    """
    import torch

    return {
        "fingerprint": notebook_fingerprint(list(durations), root),
        "device": device_label(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "notebooks": {k: round(v, 1) for k, v in sorted(durations.items())},
        "failed": sorted(failed),
        "workers": workers,
    }


def load_timings(path: str | os.PathLike[str]) -> dict:
    """Read and validate a timings file written by an nbval run.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: the file is not valid JSON, lacks a field, or holds a non-positive time.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"측정 파일이 없습니다: {path}. AIOT_DURATIONS_JSON={path} make notebooks로 만드세요."
        )
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: JSON이 아닙니다 ({err}). 측정을 다시 하세요.") from err
    missing = [key for key in _REQUIRED if not isinstance(record, dict) or key not in record]
    if missing:
        raise ValueError(
            f"{path}: 항목 {missing}이 없습니다. 옛 형식이면 AIOT_DURATIONS_JSON으로 다시 측정하세요."
        )
    bad = {
        k: v for k, v in record["notebooks"].items() if not isinstance(v, (int, float)) or v <= 0
    }
    if bad or not record["notebooks"]:
        raise ValueError(f"{path}: 노트북 시간이 비었거나 양수가 아닙니다: {bad or '(없음)'}")
    return record


def comparison_table(cpu: dict, gpu: dict) -> str:
    """Return a Markdown table of per-notebook seconds on two machines and their ratio.

    Raises:
        ValueError: the runs timed different notebook code (fingerprints differ), different
            notebooks, or a notebook failed in either run.
    """
    if cpu["fingerprint"] != gpu["fingerprint"]:
        raise ValueError(
            f"두 측정의 노트북 코드가 다릅니다 (fingerprint {cpu['fingerprint']} vs "
            f"{gpu['fingerprint']}). 같은 커밋에서 두 기계 모두 다시 측정하세요."
        )
    if set(cpu["notebooks"]) != set(gpu["notebooks"]):
        only = sorted(set(cpu["notebooks"]) ^ set(gpu["notebooks"]))
        raise ValueError(f"한쪽에서만 측정한 노트북이 있습니다: {only}")
    parallel = [r["device"] for r in (cpu, gpu) if r.get("workers", 1) != 1]
    if parallel:
        raise ValueError(
            f"{parallel} 측정은 노트북 여러 개를 동시에 실행했습니다 (pytest -n). "
            "서로 비교할 시간은 하나씩 차례로 실행해 재세요."
        )
    failed = sorted(set(cpu["failed"]) | set(gpu["failed"]))
    if failed:
        raise ValueError(f"실패한 노트북이 있어 표를 만들지 않습니다: {failed}")
    lines = [
        f"| 노트북 | {cpu['device']} (초) | {gpu['device']} (초) | 배율 |",
        "|---|---:|---:|---:|",
    ]
    for name in sorted(cpu["notebooks"]):
        a, b = cpu["notebooks"][name], gpu["notebooks"][name]
        lines.append(f"| {name.removesuffix('.ipynb')} | {a:.1f} | {b:.1f} | {a / b:.1f}× |")
    total_a, total_b = sum(cpu["notebooks"].values()), sum(gpu["notebooks"].values())
    lines.append(f"| **합계** | {total_a:.0f} | {total_b:.0f} | {total_a / total_b:.1f}× |")
    return "\n".join(lines)


def replace_section(text: str, body: str) -> str:
    """Replace what lies between the GPU-TABLE markers of ``text`` with ``body``.

    Raises:
        ValueError: the markers are missing or out of order.
    """
    start, end = text.find(START_MARKER), text.find(END_MARKER)
    if start < 0 or end < start:
        raise ValueError(f"README에 {START_MARKER} … {END_MARKER} 표시가 없습니다.")
    return text[: start + len(START_MARKER)] + "\n" + body.strip() + "\n" + text[end:]


def update_readme(readme: str | os.PathLike[str], cpu_path: str, gpu_path: str) -> str:
    """Rewrite the README's GPU table from two timings files (atomically); return the table."""
    cpu, gpu = load_timings(cpu_path), load_timings(gpu_path)
    table = comparison_table(cpu, gpu)
    body = (
        f"같은 노트북 코드(fingerprint `{cpu['fingerprint']}`)를 두 기계에서 nbval로 하나씩 차례로 실행한 셀 시간(커널 "
        f"시작 제외)입니다. torch {cpu['torch']} / {gpu['torch']}.\n\n{table}"
    )
    readme = Path(readme)
    text = replace_section(readme.read_text(encoding="utf-8"), body)
    handle, tmp = tempfile.mkstemp(suffix=".md", dir=readme.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(tmp, readme.stat().st_mode & 0o777)
    os.replace(tmp, readme)
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("readme", help="README.md with the GPU-TABLE markers")
    parser.add_argument("cpu", help="timings JSON of the CPU run")
    parser.add_argument("gpu", help="timings JSON of the GPU run")
    args = parser.parse_args(argv)
    try:
        print(update_readme(args.readme, args.cpu, args.gpu))
    except (FileNotFoundError, ValueError) as err:
        print(f"오류: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
