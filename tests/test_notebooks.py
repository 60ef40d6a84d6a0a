"""Structure of every committed notebook: the conventions in CURRICULUM.md, checked.

nbval (make test) re-executes the notebooks; these tests check what is stored in them.
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from conftest import ROOT

NOTEBOOK_DIRS = ["basics", "models", "training", "advanced", "aiot_applications"]
NOTEBOOKS = sorted(p for d in NOTEBOOK_DIRS for p in (ROOT / d).glob("*.ipynb"))
IDS = [p.relative_to(ROOT).as_posix() for p in NOTEBOOKS]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
MACHINE_PATH = re.compile(
    r"(/root/|/home/[A-Za-z]|/Users/[A-Za-z]|/tmp/|/work/|/var/folders/|C:\\\\Users)"
)
NOISE = re.compile(r"(Warning|warn\(|Traceback|DEPRECAT)", re.IGNORECASE)


def _load(path):
    return nbformat.read(path, as_version=4)


def _markdown(nb):
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_all_five_folders_exist():
    for folder in NOTEBOOK_DIRS:
        assert (ROOT / folder).is_dir(), folder


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_valid_nbformat(path):
    nbformat.validate(_load(path))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_header_has_goals_prerequisites_and_time(path):
    first = _load(path).cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "title cell first"
    for needed in ("학습 목표", "사전 지식", "예상 실행 시간"):
        assert needed in first.source, f"header cell lacks '{needed}'"
    assert re.search(r"예상 실행 시간[^\n]*\d+\s*초", first.source), "state the CPU time in seconds"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_korean_prose_summary_and_exercises(path):
    md = _markdown(_load(path))
    assert len(HANGUL.findall(md)) > 200, "notebook prose should be Korean"
    assert re.search(r"^#+ .*요약", md, re.M), "a 요약 (summary) section is required"
    assert re.search(r"^#+ .*실습 과제", md, re.M), "a 실습 과제 (exercises) section is required"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_setup_cell_seeds_and_reports(path):
    code = "\n".join(c.source for c in _code_cells(_load(path))[:3])
    for needed in ("seed_everything(", "get_device(", "print_environment("):
        assert needed in code, f"the set-up cell (one of the first code cells) must call {needed}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_asserts_headline_results(path):
    code = "\n".join(c.source for c in _code_cells(_load(path)))
    assert len(re.findall(r"^\s*assert\s", code, re.M)) >= 3, "learning-outcome asserts expected"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_outputs_stored_top_to_bottom_without_errors(path):
    cells = [c for c in _code_cells(_load(path)) if c.source.strip()]
    counts = [c.execution_count for c in cells]
    assert None not in counts, "every code cell must be executed (run `make execute`)"
    assert counts == list(range(1, len(counts) + 1)), "outputs must come from one top-to-bottom run"
    for i, cell in enumerate(cells):
        for out in cell.outputs:
            assert out.output_type != "error", f"cell {i} stores an error: {out.get('ename')}"
            text = out.get("text", "") + json.dumps(out.get("data", {}).get("text/plain", ""))
            if out.output_type == "stream" and out.name == "stderr":
                assert not NOISE.search(text), (
                    f"cell {i} stores warning noise on stderr: {text[:300]}"
                )
            assert not MACHINE_PATH.search(text), (
                f"cell {i} shows a machine-specific path: {text[:300]}"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_has_deterministic_output_checks(path):
    code = [c.source for c in _code_cells(_load(path))]
    assert any("# NBVAL_CHECK_OUTPUT" in s for s in code), (
        "mark deterministic cells NBVAL_CHECK_OUTPUT"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_plain_tqdm(path):
    code = "\n".join(c.source for c in _code_cells(_load(path)))
    assert not re.search(r"^\s*from tqdm import tqdm", code, re.M), (
        "use `from tqdm.auto import tqdm`"
    )
