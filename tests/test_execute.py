import nbformat
import pytest

from aiotkit.execute import execute_notebook, find_notebooks, main


def _notebook(path, source):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, path)


def test_execute_stores_outputs(tmp_path):
    path = tmp_path / "ok.ipynb"
    _notebook(path, "print(6 * 7)")
    assert execute_notebook(path) > 0
    cell = nbformat.read(path, as_version=4).cells[0]
    assert cell.execution_count == 1 and cell.outputs[0]["text"] == "42\n"


def test_failing_notebook_is_left_untouched(tmp_path, capsys):
    path = tmp_path / "bad.ipynb"
    _notebook(path, "raise ValueError('boom')")
    before = path.read_bytes()
    assert main([str(path)]) == 1
    assert path.read_bytes() == before and "FAILED" in capsys.readouterr().out


def test_find_notebooks(tmp_path):
    _notebook(tmp_path / "b.ipynb", "")
    _notebook(tmp_path / "a.ipynb", "")
    assert [p.name for p in find_notebooks([str(tmp_path)])] == ["a.ipynb", "b.ipynb"]
    with pytest.raises(FileNotFoundError):
        find_notebooks([str(tmp_path / "missing.ipynb")])


def test_execute_keeps_file_mode(tmp_path):
    path = tmp_path / "mode.ipynb"
    _notebook(path, "1")
    path.chmod(0o644)
    execute_notebook(path)
    assert path.stat().st_mode & 0o777 == 0o644
