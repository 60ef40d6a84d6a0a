"""Latency and size measurements, reported the same way in every notebook."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

__all__ = [
    "LatencyResult",
    "file_size_bytes",
    "measure_latency",
    "model_size_bytes",
    "prediction_agreement",
    "snr_db",
]


@dataclass(frozen=True)
class LatencyResult:
    """Latency statistics in milliseconds over ``runs`` timed calls after ``warmup`` calls."""

    median_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    runs: int
    warmup: int
    threads: int

    def as_row(self) -> dict[str, float | int]:
        """A flat dict for a table row."""
        return {
            "median_ms": round(self.median_ms, 4),
            "p90_ms": round(self.p90_ms, 4),
            "p99_ms": round(self.p99_ms, 4),
            "threads": self.threads,
        }

    def __str__(self) -> str:
        return (
            f"median {self.median_ms:.3f} ms, p90 {self.p90_ms:.3f} ms, p99 {self.p99_ms:.3f} ms "
            f"({self.runs} runs after {self.warmup} warm-up, {self.threads} thread(s))"
        )


def measure_latency(
    fn: Callable[[], object],
    *,
    warmup: int = 10,
    runs: int = 100,
    threads: int | None = None,
    cuda_sync: bool = False,
) -> LatencyResult:
    """Time ``fn()`` (no arguments): ``warmup`` untimed calls, then ``runs`` timed ones.

    Args:
        threads: run with ``torch.set_num_threads(threads)`` (restored afterwards); the thread
            count used is reported either way.
        cuda_sync: call ``torch.cuda.synchronize()`` around each call (GPU work is asynchronous).

    Raises:
        TypeError: ``fn`` is not callable.
        ValueError: ``runs`` < 1, ``warmup`` < 0 or ``threads`` < 1.
    """
    if not callable(fn):
        raise TypeError("measure_latency에는 인자 없는 함수를 넘기세요, 예: lambda: model(x)")
    if runs < 1 or warmup < 0:
        raise ValueError(f"runs ≥ 1, warmup ≥ 0 이어야 합니다 (got runs={runs}, warmup={warmup})")
    if threads is not None and threads < 1:
        raise ValueError(f"threads는 1 이상이어야 합니다 (got {threads})")
    previous = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    sync = torch.cuda.synchronize if cuda_sync and torch.cuda.is_available() else (lambda: None)
    try:
        for _ in range(warmup):
            fn()
        sync()
        times = np.empty(runs)
        for i in range(runs):
            start = time.perf_counter()
            fn()
            sync()
            times[i] = time.perf_counter() - start
        used = torch.get_num_threads()
    finally:
        torch.set_num_threads(previous)
    ms = times * 1e3
    return LatencyResult(
        median_ms=float(np.median(ms)),
        p90_ms=float(np.percentile(ms, 90)),
        p99_ms=float(np.percentile(ms, 99)),
        mean_ms=float(ms.mean()),
        runs=runs,
        warmup=warmup,
        threads=used,
    )


def model_size_bytes(model: nn.Module | dict) -> int:
    """Bytes that ``torch.save(model.state_dict())`` would write (a state_dict works too)."""
    if isinstance(model, nn.Module):
        state = model.state_dict()
    elif isinstance(model, dict):
        state = model
    else:
        raise TypeError(f"nn.Module 또는 state_dict가 필요합니다 (got {type(model).__name__})")
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getbuffer().nbytes


def file_size_bytes(path: str | os.PathLike[str]) -> int:
    """Size of a file on disk; FileNotFoundError with the name when it does not exist."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(
            f"파일이 없습니다: {p.name} — 먼저 모델을 저장(export)했는지 확인하세요."
        )
    return p.stat().st_size


def _as_float_array(x: object, name: str) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().float().numpy()
    arr = np.asarray(x, dtype=np.float64)
    if arr.size == 0:
        raise ValueError(f"{name}가 비어 있습니다")
    return arr


def snr_db(reference: object, approx: object) -> float:
    """Signal-to-noise ratio of ``approx`` against ``reference`` in decibels.

    ``10 * log10(sum(reference**2) / sum((approx - reference)**2))`` over all elements:
    how far a quantized model's logits (or a quantized weight) stay from the float ones.
    Every 6 dB is about one more bit of precision; identical inputs give ``inf``.
    Accepts tensors or array-likes of the same shape.

    Raises:
        ValueError: the shapes differ, an input is empty, or ``reference`` is all zeros.
    """
    ref = _as_float_array(reference, "reference")
    est = _as_float_array(approx, "approx")
    if ref.shape != est.shape:
        raise ValueError(f"모양이 다릅니다: reference {ref.shape} vs approx {est.shape}")
    signal = float(np.sum(ref**2))
    if signal == 0.0:
        raise ValueError("reference가 모두 0이면 SNR을 정의할 수 없습니다")
    noise = float(np.sum((est - ref) ** 2))
    if noise == 0.0:
        return float("inf")
    return float(10.0 * np.log10(signal / noise))


def prediction_agreement(reference_logits: object, logits: object) -> float:
    """Fraction of rows whose argmax (predicted class) is the same in both logit arrays.

    Needs no labels, so it can be measured on every held-out input, not only labelled ones.

    Raises:
        ValueError: the shapes differ, are not ``(n, classes)``, or are empty.
    """
    ref = _as_float_array(reference_logits, "reference_logits")
    est = _as_float_array(logits, "logits")
    if ref.shape != est.shape or ref.ndim != 2:
        raise ValueError(
            f"두 logits는 같은 (n, classes) 모양이어야 합니다: {ref.shape} vs {est.shape}"
        )
    return float(np.mean(ref.argmax(axis=1) == est.argmax(axis=1)))
