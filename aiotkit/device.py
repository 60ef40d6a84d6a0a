"""Device choice, reproducibility and the one-line environment report."""

from __future__ import annotations

import os
import platform
import random

import numpy as np
import torch

_VALID_DEVICES = ("cpu", "cuda", "mps")


def get_device(prefer: str | None = None) -> torch.device:
    """Return the device notebooks should use.

    Order: the ``prefer`` argument, else the ``AIOT_DEVICE`` environment variable
    (``cpu``, ``cuda`` or ``mps``), else CUDA when available, else the CPU. Apple's MPS is
    opt-in only (``AIOT_DEVICE=mps``): it is never chosen automatically, because float64 and
    some operations the notebooks use are missing there.

    Raises:
        ValueError: the requested device name is not ``cpu``, ``cuda`` or ``mps``.
        RuntimeError: ``cuda`` or ``mps`` was requested but is not usable here.
    """
    requested = prefer if prefer is not None else os.environ.get("AIOT_DEVICE", "")
    requested = requested.strip().lower()
    if requested == "":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if requested not in _VALID_DEVICES:
        raise ValueError(
            f"알 수 없는 장치 '{requested}' (unknown device). "
            f"AIOT_DEVICE는 {' 또는 '.join(_VALID_DEVICES)} 이어야 합니다; "
            "자동 선택을 원하면 AIOT_DEVICE를 지우세요 (unset AIOT_DEVICE)."
        )
    if requested == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            "AIOT_DEVICE=cuda로 CUDA를 요청했지만 이 컴퓨터에는 쓸 수 있는 CUDA GPU가 없습니다 "
            "(no CUDA GPU available). AIOT_DEVICE=cpu로 실행하거나 AIOT_DEVICE를 지우세요; "
            "GPU가 있다면 nvidia-smi와 CUDA 용 torch 설치를 확인하세요."
        )
    if requested == "mps" and not _mps_available():
        raise RuntimeError(
            "AIOT_DEVICE=mps로 Apple GPU(MPS)를 요청했지만 이 컴퓨터의 torch에서 MPS를 쓸 수 "
            "없습니다 (torch.backends.mps.is_available() is False). MPS는 Apple silicon Mac의 "
            "macOS 12.3 이상에서 arm64 용 torch로만 쓸 수 있습니다. AIOT_DEVICE=cpu로 실행하거나 "
            "AIOT_DEVICE를 지우세요."
        )
    return torch.device(requested)


def float64_device(device: torch.device | str) -> torch.device:
    """The device for float64 work: ``device`` itself, except the CPU when it is Apple's MPS.

    MPS has no float64; the cells that check an implementation against a reference in float64
    run those checks on the CPU there, on purpose.
    """
    dev = torch.device(device)
    return torch.device("cpu") if dev.type == "mps" else dev


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def seed_everything(seed: int = 42) -> None:
    """Seed Python, NumPy and PyTorch (CPU and all GPUs) for reproducible runs.

    Raises:
        TypeError: ``seed`` is not an int.
        ValueError: ``seed`` is negative or does not fit in 32 bits.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed는 정수여야 합니다 (got {type(seed).__name__})")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed는 0 이상 2**32 미만이어야 합니다 (got {seed})")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device


def environment_report(device: torch.device | str | None = None) -> str:
    """Return a one-line description of the software and the device in use.

    Example: ``torch 2.11.0 | python 3.11.7 | device cpu (2 threads)``.
    """
    dev = torch.device(device) if device is not None else get_device()
    if dev.type == "cuda":
        index = dev.index if dev.index is not None else torch.cuda.current_device()
        where = f"cuda ({torch.cuda.get_device_name(index)})"
    elif dev.type == "mps":
        where = "mps (Apple GPU)"
    else:
        where = f"cpu ({torch.get_num_threads()} threads)"
    return f"torch {torch.__version__} | python {platform.python_version()} | device {where}"


def print_environment(device: torch.device | str | None = None) -> None:
    """Print :func:`environment_report` (used in every notebook's set-up cell)."""
    print(environment_report(device))
