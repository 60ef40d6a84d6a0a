"""Where the project's data and generated files live."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    """Return the repository root (the folder that holds ``data/`` and the notebooks)."""
    return _PACKAGE_DIR.parent


def data_dir() -> Path:
    """Return the data folder: ``$AIOT_DATA_DIR`` when set, else ``<project root>/data``."""
    override = os.environ.get("AIOT_DATA_DIR")
    return Path(override) if override else project_root() / "data"


def artifacts_dir(name: str) -> Path:
    """Return (and create) ``<project root>/artifacts/<name>``, a git-ignored folder for
    checkpoints, logs and exported models that a notebook generates.

    Raises:
        ValueError: ``name`` is empty or tries to leave the artifacts folder.
    """
    if not name or Path(name).is_absolute() or ".." in Path(name).parts:
        raise ValueError(
            f"artifacts_dir의 이름은 'advanced_02' 같은 상대 이름이어야 합니다 (got {name!r})"
        )
    path = project_root() / "artifacts" / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def rel(path: str | os.PathLike[str]) -> str:
    """Show ``path`` relative to the project root, so printed paths are the same on every machine."""
    p = Path(path).resolve()
    try:
        return p.relative_to(project_root()).as_posix()
    except ValueError:
        return p.name
