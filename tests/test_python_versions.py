"""The README claims only the Python versions whose wheels resolve for every pinned requirement.

.ci/python_versions.py (``make python-versions``, needs the package index) records the result in
.ci/python-versions.json with the sha256 of requirements.txt; these tests need no network.
"""

import hashlib
import json
import re

from conftest import ROOT

RECORD = ROOT / ".ci" / "python-versions.json"


def _record():
    return json.loads(RECORD.read_text(encoding="utf-8"))


def _resolved(platform="linux-x86_64"):
    return sorted(
        (v for v, r in _record()["results"][platform].items() if r["ok"]),
        key=lambda v: tuple(int(p) for p in v.split(".")),
    )


def test_record_matches_current_requirements():
    digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()
    assert _record()["requirements_sha256"] == digest, (
        "requirements.txt changed since .ci/python-versions.json was written: "
        "run `make python-versions` (needs the package index) and commit the record"
    )


def test_every_resolved_version_has_a_wheel_for_every_pin():
    pins = [
        line.split("==")[0].strip().lower()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    ]
    for platform, results in _record()["results"].items():
        for version, result in results.items():
            if result["ok"]:
                wheels = {name.lower(): file for name, file in result["wheels"].items()}
                assert sorted(wheels) == sorted(pins), (platform, version)
                assert all(file.endswith(".whl") for file in wheels.values()), (platform, version)


def test_macos_resolves_what_linux_resolves():
    # The README names one range for Linux and macOS: both must resolve it.
    assert _resolved("macos-arm64") == _resolved("linux-x86_64")


def test_readme_claims_exactly_the_resolved_versions():
    resolved = _resolved()
    assert resolved, "no Python version resolved"
    minors = [int(v.split(".")[1]) for v in resolved]
    assert minors == list(range(minors[0], minors[-1] + 1)), f"gap in {resolved}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    claims = set(re.findall(r"Python (3\.\d+)–(3\.\d+)", readme))
    assert claims == {(resolved[0], resolved[-1])}, (
        f"README claims {sorted(claims)}; the record resolved {resolved}"
    )


def test_pyproject_and_bootstrap_agree_with_the_record():
    lowest = _resolved()[0]
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'requires-python = ">={lowest}"' in pyproject
