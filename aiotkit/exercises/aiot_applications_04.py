"""Exercise checkers for aiot_applications/04 (deployment tools)."""

from __future__ import annotations

import numpy as np

from aiotkit.deploy import sliding_windows
from aiotkit.exercises.core import expect, expect_close, expect_equal, expect_shape, register


@register("aiot_applications/04", 1, "지연 시간 요약 (latency_summary)")
def _check_latency_summary(latency_summary) -> None:
    rng = np.random.default_rng(7)
    cases = [
        ("모두 1 ms인 10회", [0.001] * 10),
        ("느린 호출 하나가 섞인 4회", [0.001, 0.002, 0.003, 0.1]),
        ("1회", [0.004]),
        ("로그정규 분포 500회 (NumPy 배열)", rng.lognormal(mean=-7, sigma=0.5, size=500)),
    ]
    for name, latencies in cases:
        ms = np.asarray(latencies, dtype=np.float64) * 1e3
        expected = {
            "p50_ms": float(np.percentile(ms, 50)),
            "p99_ms": float(np.percentile(ms, 99)),
            "throughput_per_s": len(ms) / (ms.sum() / 1e3),
        }
        got = latency_summary(latencies)
        expect(
            isinstance(got, dict), f"{name}: 딕셔너리를 반환해야 합니다 (got {type(got).__name__})"
        )
        expect_equal(sorted(got), sorted(expected), f"{name}: 딕셔너리의 키")
        for key, value in expected.items():
            expect_close(got[key], value, f"{name}: {key}", rtol=1e-6, atol=1e-9)


def _run_buffer(buffer_class, window: int, hop: int, stream: np.ndarray, sizes: list[int]):
    buffer = buffer_class(window, hop)
    pushes, start = [], 0
    for size in sizes:
        out = buffer.push(stream[start : start + size])
        start += size
        pushes.append((start, out))
    return pushes


@register("aiot_applications/04", 2, "묶음 스트림의 윈도우 버퍼 (StreamBuffer)")
def _check_stream_buffer(buffer_class) -> None:
    rng = np.random.default_rng(8)
    configs = [
        ("window 5, hop 2, 샘플 하나씩", 5, 2, [1] * 23),
        ("window 5, hop 2, 크기가 다른 묶음(0 포함)", 5, 2, [4, 0, 7, 3, 9]),
        ("window 5, hop 2, 한 번에 전부", 5, 2, [23]),
        ("window 4, hop 4 (겹치지 않음)", 4, 4, [3, 3, 3, 3, 3, 3, 3, 2]),
        ("window 3, hop 5 (윈도우 사이에 건너뛰는 샘플)", 3, 5, [2, 6, 1, 10, 4]),
    ]
    for name, window, hop, sizes in configs:
        stream = rng.standard_normal((sum(sizes), 3)).astype(np.float32)
        expected = sliding_windows(stream, window, hop)
        ends = np.arange(len(expected)) * hop + window  # samples needed for each window
        pushes = _run_buffer(buffer_class, window, hop, stream, sizes)
        collected, before = [], 0
        for received, out in pushes:
            expect(
                isinstance(out, list),
                f"{name}: push는 윈도우들의 리스트를 반환해야 합니다 (got {type(out).__name__})",
            )
            count = int(((ends > before) & (ends <= received)).sum())
            expect_equal(
                len(out),
                count,
                f"{name}: 누적 샘플 수가 {before} → {received}가 된 push에서 완성된 윈도우의 수",
            )
            for w in out:
                expect_shape(w, (3, window), f"{name}: 윈도우 하나 (channels, window)")
            collected.extend(out)
            before = received
        for i, (got, want) in enumerate(zip(collected, expected, strict=True)):
            expect_close(
                np.asarray(got),
                want,
                f"{name}: {i}번째 윈도우 (스트림의 샘플 {i * hop}…{i * hop + window - 1})",
                atol=1e-6,
            )


@register("aiot_applications/04", 3, "메타데이터로 전처리 (preprocess)")
def _check_preprocess(preprocess) -> None:
    rng = np.random.default_rng(9)
    for time, channels in [(100, 6), (40, 3), (6, 6)]:
        name = f"윈도우 (time={time}, channels={channels})"
        window_tc = rng.normal(5.0, 3.0, size=(time, channels)).astype(np.float32)
        mean = rng.normal(2.0, 1.0, size=channels)
        std = rng.uniform(0.5, 4.0, size=channels)
        metadata = {"mean": mean.tolist(), "std": std.tolist(), "classes": ["a", "b"]}
        before = window_tc.copy()
        got = preprocess(window_tc, metadata)
        expect(
            isinstance(got, np.ndarray),
            f"{name}: NumPy 배열을 반환해야 합니다 (got {type(got).__name__})",
        )
        expect_shape(got, (1, channels, time), f"{name}: 모델 입력 (1, channels, time)")
        expect(got.dtype == np.float32, f"{name}: dtype은 float32 여야 합니다 (got {got.dtype})")
        expected = ((before - mean) / std).T[None]
        expect_close(got, expected, f"{name}: (x - mean) / std", atol=1e-5)
        expect(np.array_equal(window_tc, before), f"{name}: 입력 window_tc를 바꾸면 안 됩니다")
