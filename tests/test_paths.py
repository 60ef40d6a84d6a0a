import pytest

from aiotkit.paths import artifacts_dir, data_dir, project_root, rel


def test_project_root_holds_data_and_notebooks():
    root = project_root()
    assert (root / "data").is_dir() and (root / "basics").is_dir()
    assert data_dir() == root / "data"


def test_data_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("AIOT_DATA_DIR", str(tmp_path))
    assert data_dir() == tmp_path


def test_artifacts_dir_is_created_under_root():
    path = artifacts_dir("unit_test")
    assert path.is_dir() and path.parent == project_root() / "artifacts"
    assert rel(path) == "artifacts/unit_test"
    path.rmdir()


@pytest.mark.parametrize("bad", ["", "../escape", "/abs"])
def test_artifacts_dir_rejects_bad_names(bad):
    with pytest.raises(ValueError):
        artifacts_dir(bad)


def test_rel_outside_root_shows_only_the_name(tmp_path):
    assert rel(tmp_path / "x.pt") == "x.pt"
