"""Which Python versions can install every pinned requirement from wheels?

    python .ci/python_versions.py            # check 3.10 … 3.14, write .ci/python-versions.json
    python .ci/python_versions.py 3.12 3.13  # only these

For each version, pip's resolver does a dry run (no download of the packages themselves, no
install) of requirements.txt for CPython 3.X on x86-64 Linux and on Apple-silicon macOS,
wheels only, without
dependencies: a pinned package with no wheel for that Python makes the version fail. The record
keeps the sha256 of requirements.txt, so tests/test_python_versions.py notices when the pins
change and the record is stale, and checks that the README claims exactly the versions that
resolved. Needs the package index (network); the test suite does not.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements.txt"
RECORD = ROOT / ".ci" / "python-versions.json"
VERSIONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
PLATFORMS = {
    "linux-x86_64": (
        "manylinux_2_28_x86_64",
        "manylinux_2_27_x86_64",
        "manylinux_2_24_x86_64",
        "manylinux_2_17_x86_64",
        "manylinux2014_x86_64",
        "manylinux_2_5_x86_64",
        "manylinux1_x86_64",
        "any",
    ),
    "macos-arm64": tuple(f"macosx_{v}_0_arm64" for v in range(11, 16))
    + tuple(f"macosx_10_{v}_universal2" for v in range(9, 16))
    + ("any",),
}


def requirements_sha256(path: Path = REQUIREMENTS) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_version(version: str, platform: str = "linux-x86_64") -> dict:
    """Dry-run the pinned requirements for one Python version and platform."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [
            sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed",
            "--no-deps", "--only-binary=:all:", "--implementation", "cp",
            "--python-version", version, "--target", str(Path(tmp) / "target"),
            *(arg for tag in PLATFORMS[platform] for arg in ("--platform", tag)),
            "-r", str(REQUIREMENTS), "--report", str(report), "--quiet",
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
            return {"ok": False, "error": " | ".join(errors)[-500:] or done.stderr[-500:]}
        wheels = {
            item["metadata"]["name"]: item["download_info"]["url"].rsplit("/", 1)[-1]
            for item in json.loads(report.read_text())["install"]
        }
        return {"ok": True, "wheels": wheels}


def main(argv: list[str]) -> int:
    versions = argv or list(VERSIONS)
    jobs = [(v, p) for p in PLATFORMS for v in versions]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        found = list(pool.map(lambda job: check_version(*job), jobs))
    results: dict[str, dict] = {p: {} for p in PLATFORMS}
    for (version, platform), result in zip(jobs, found, strict=True):
        results[platform][version] = result
        verdict = "ok" if result["ok"] else "FAILED: " + result["error"][:200]
        print(f"{platform} Python {version}: {verdict}")
    record = {
        "checked": date.today().isoformat(),
        "requirements_sha256": requirements_sha256(),
        "how": "pip install --dry-run --no-deps --only-binary=:all: per CPython version",
        "results": results,
    }
    RECORD.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {RECORD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
