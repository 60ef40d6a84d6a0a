"""Helpers for worker scripts of advanced/04: the backend choice and the RESULT lines.

advanced/04 explains the backend rule with :func:`choose_backend` (its DDP script, written in
the notebook, applies the same rule in one line). Deliberately torch + standard library only
(no aiotkit): a worker process that imports this stays cheap to start, and a script using it
runs on a cluster where only PyTorch is installed. RESULT lines are read back with
``aiotkit.distributed.parse_results``.
"""

from __future__ import annotations

import json
import os
import sys

import torch
import torch.distributed as dist

RESULT_PREFIX = "RESULT "
MAX_RESULT_BYTES = 4000  # below PIPE_BUF (4096): one write() of this size is never interleaved


def choose_backend(
    world_size: int,
    *,
    cuda_available: bool | None = None,
    gpu_count: int | None = None,
    nccl_available: bool | None = None,
) -> str:
    """Pick the collective-communication backend for ``world_size`` processes on this machine.

    ``"nccl"`` when CUDA and NCCL are available and every process can have a GPU of its own
    (NCCL cannot put two ranks on one GPU); otherwise ``"gloo"`` (CPU tensors, any count).
    The keyword arguments override what is detected (for explaining and testing).

    Raises:
        ValueError: ``world_size`` < 1 or ``gpu_count`` < 0.
    """
    if isinstance(world_size, bool) or not isinstance(world_size, int) or world_size < 1:
        raise ValueError(f"world_size 는 1 이상의 정수여야 합니다 (got {world_size!r})")
    if cuda_available is None:
        cuda_available = torch.cuda.is_available()
    if gpu_count is None:
        gpu_count = torch.cuda.device_count() if cuda_available else 0
    if gpu_count < 0:
        raise ValueError(f"gpu_count 는 0 이상이어야 합니다 (got {gpu_count})")
    if nccl_available is None:
        nccl_available = dist.is_available() and dist.is_nccl_available()
    if cuda_available and nccl_available and gpu_count >= world_size:
        return "nccl"
    return "gloo"


def report_result(**fields: object) -> None:
    """Print one ``RESULT {json}`` line to stdout.

    The line is written with a single ``os.write`` so that the lines of processes sharing one
    pipe never interleave; that holds only for short lines, so large data belong in a file.

    Raises:
        ValueError: the line would be longer than 4000 bytes.
        TypeError: a field is not JSON-serialisable.
    """
    line = (RESULT_PREFIX + json.dumps(fields, sort_keys=True) + "\n").encode()
    if len(line) > MAX_RESULT_BYTES:
        raise ValueError(
            f"RESULT 줄이 {len(line)} 바이트로 너무 깁니다 (최대 {MAX_RESULT_BYTES}); "
            "큰 데이터는 파일로 저장하고 경로만 보고하세요."
        )
    sys.stdout.flush()  # what was printed before comes first
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # captured stdout (pytest, Jupyter): no fd
        sys.stdout.write(line.decode())
        sys.stdout.flush()
    else:
        os.write(fd, line)
