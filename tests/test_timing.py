"""aiotkit.timing: fingerprints, timings files and the README's CPU-vs-GPU table."""

import json

import nbformat
import pytest

from aiotkit import timing


def write_notebook(path, code):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# title"), nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)
    return nb


def record(fingerprint="abc", device="CPU (2 cores)", notebooks=None, failed=(), workers=1):
    return {
        "fingerprint": fingerprint,
        "device": device,
        "torch": "2.11.0",
        "python": "3.11",
        "notebooks": notebooks or {"basics/01.ipynb": 10.0, "models/02.ipynb": 20.0},
        "failed": list(failed),
        "workers": workers,
    }


def test_fingerprint_ignores_outputs_but_not_code(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", "x = 1")
    before = timing.notebook_fingerprint(["a.ipynb"], root=tmp_path)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    nb.cells[1].execution_count = 7
    nbformat.write(nb, tmp_path / "a.ipynb")
    assert timing.notebook_fingerprint(["a.ipynb"], root=tmp_path) == before
    write_notebook(tmp_path / "a.ipynb", "x = 2")
    assert timing.notebook_fingerprint(["a.ipynb"], root=tmp_path) != before


def test_fingerprint_missing_notebook(tmp_path):
    with pytest.raises(FileNotFoundError, match="없습니다"):
        timing.notebook_fingerprint(["nope.ipynb"], root=tmp_path)


def test_timings_record_fields(tmp_path, monkeypatch):
    write_notebook(tmp_path / "a.ipynb", "x = 1")
    monkeypatch.setenv("AIOT_DEVICE", "cpu")
    rec = timing.timings_record({"a.ipynb": 1.234}, set(), root=str(tmp_path))
    assert rec["notebooks"] == {"a.ipynb": 1.2}
    assert rec["device"].startswith("CPU (") and rec["workers"] == 1 and rec["failed"] == []


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "JSON"),
        (json.dumps({"basics/01.ipynb": 3.0}), "항목"),
        (json.dumps(record(notebooks={"a.ipynb": 0})), "양수"),
        (json.dumps(record(notebooks={"a.ipynb": "fast"})), "양수"),
    ],
)
def test_load_timings_rejects_bad_files(tmp_path, content, message):
    path = tmp_path / "t.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        timing.load_timings(path)


def test_load_timings_missing_file_says_how_to_make_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="AIOT_DURATIONS_JSON"):
        timing.load_timings(tmp_path / "cpu.json")


def test_comparison_table_rows_and_ratio():
    table = timing.comparison_table(
        record(),
        record(device="NVIDIA H100", notebooks={"basics/01.ipynb": 5.0, "models/02.ipynb": 4.0}),
    )
    lines = table.splitlines()
    assert lines[0] == "| 노트북 | CPU (2 cores) (초) | NVIDIA H100 (초) | 배율 |"
    assert "| basics/01 | 10.0 | 5.0 | 2.0× |" in lines
    assert "| models/02 | 20.0 | 4.0 | 5.0× |" in lines
    assert lines[-1] == "| **합계** | 30 | 9 | 3.3× |"


@pytest.mark.parametrize(
    "gpu, message",
    [
        (record(fingerprint="other"), "코드가 다릅니다"),
        (record(notebooks={"basics/01.ipynb": 5.0}), "한쪽에서만"),
        (record(failed=["models/02.ipynb"]), "실패한"),
        (record(workers=10), "동시에"),
    ],
)
def test_comparison_table_refuses_unfair_comparisons(gpu, message):
    with pytest.raises(ValueError, match=message):
        timing.comparison_table(record(), gpu)


def test_replace_section_needs_markers():
    with pytest.raises(ValueError, match="GPU-TABLE"):
        timing.replace_section("# README without markers\n", "table")
    text = f"a\n{timing.START_MARKER}\nold\n{timing.END_MARKER}\nb\n"
    assert timing.replace_section(text, "new") == (
        f"a\n{timing.START_MARKER}\nnew\n{timing.END_MARKER}\nb\n"
    )


def test_update_readme_and_cli(tmp_path, capsys):
    readme = tmp_path / "README.md"
    original = f"# x\n{timing.START_MARKER}\nold\n{timing.END_MARKER}\n"
    readme.write_text(original, encoding="utf-8")
    cpu, gpu, bad = tmp_path / "cpu.json", tmp_path / "gpu.json", tmp_path / "bad.json"
    cpu.write_text(json.dumps(record()), encoding="utf-8")
    gpu.write_text(json.dumps(record(device="NVIDIA H100")), encoding="utf-8")
    bad.write_text(json.dumps(record(fingerprint="other")), encoding="utf-8")

    assert timing.main([str(readme), str(cpu), str(bad)]) == 1
    assert "코드가 다릅니다" in capsys.readouterr().err
    assert readme.read_text(encoding="utf-8") == original  # nothing half-written
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "README.md",
        "bad.json",
        "cpu.json",
        "gpu.json",
    ]

    assert timing.main([str(readme), str(cpu), str(gpu)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert "| basics/01 | 10.0 | 10.0 | 1.0× |" in text and "old" not in text
    assert "fingerprint `abc`" in text and text.endswith(f"{timing.END_MARKER}\n")


def test_committed_cpu_timings_cover_every_notebook():
    from aiotkit.paths import project_root

    root = project_root()
    rec = timing.load_timings(root / "timings" / "cpu.json")
    notebooks = sorted(p.relative_to(root).as_posix() for p in root.glob("*/[0-9][0-9]_*.ipynb"))
    assert len(notebooks) == 20 and sorted(rec["notebooks"]) == notebooks
    assert rec["failed"] == [] and rec["workers"] == 1 and rec["device"].startswith("CPU")
    assert max(rec["notebooks"].values()) <= 90  # the per-notebook CPU budget
