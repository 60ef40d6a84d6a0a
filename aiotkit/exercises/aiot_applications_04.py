"""Exercise checkers for aiot_applications/04 (deployment tools)."""

from __future__ import annotations

import copy

import numpy as np

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_equal,
    expect_shape,
    expect_type,
    expect_unchanged,
    register,
)


@register("aiot_applications/04", 1, "지연 시간 요약 (latency_summary)")
def _check_latency_summary(latency_summary) -> None:
    rng = np.random.default_rng(7)
    cases = [
        ("모두 1 ms인 10회 (리스트)", [0.001] * 10),
        ("느린 호출 하나가 섞인 4회 (리스트)", [0.001, 0.002, 0.003, 0.1]),
        ("1회 (리스트)", [0.004]),
        (
            "순서가 섞인 7회 (NumPy 배열)",
            np.array([0.005, 0.001, 0.03, 0.002, 0.004, 0.003, 0.002]),
        ),
        ("로그정규 분포 500회 (NumPy 배열)", rng.lognormal(mean=-7, sigma=0.5, size=500)),
    ]
    for name, latencies in cases:
        before = copy.deepcopy(latencies)
        ms = np.asarray(before, dtype=np.float64) * 1e3
        expected = {
            "p50_ms": float(np.percentile(ms, 50)),
            "p99_ms": float(np.percentile(ms, 99)),
            "throughput_per_s": len(ms) / (ms.sum() / 1e3),
        }
        got = latency_summary(latencies)
        expect_type(got, "dict", name)
        expect_equal(sorted(got), sorted(expected), f"{name}: 딕셔너리의 키")
        for key, value in expected.items():
            expect_type(got[key], "float", f"{name}: {key}")
            expect_close(got[key], value, f"{name}: {key}", rtol=1e-6, atol=1e-9)
        expect_unchanged(before, latencies, f"{name}: latencies_s")


def _expected_windows(stream: np.ndarray, window: int, hop: int) -> list[np.ndarray]:
    starts = range(0, len(stream) - window + 1, hop)
    return [stream[s : s + window].T for s in starts]


@register("aiot_applications/04", 2, "묶음 스트림의 윈도우 버퍼 (StreamBuffer)")
def _check_stream_buffer(buffer_class) -> None:
    rng = np.random.default_rng(8)
    configs = [
        ("window 5, hop 2, 샘플 하나씩", 5, 2, 3, [1] * 23),
        ("window 5, hop 2, 크기가 다른 묶음(0 포함)", 5, 2, 3, [4, 0, 7, 3, 9]),
        ("window 5, hop 2, 한 번에 전부", 5, 2, 3, [23]),
        ("window 4, hop 4 (겹치지 않음)", 4, 4, 2, [3, 3, 3, 3, 3, 3, 3, 2]),
        ("window 3, hop 5 (윈도우 사이에 건너뛰는 샘플)", 3, 5, 3, [2, 6, 1, 10, 4]),
        ("window 6, hop 4, 묶음 5개씩 (window도 hop도 나누지 않음)", 6, 4, 3, [5] * 6),
        ("window 8, hop 3, 묶음 4개·7개 번갈아", 8, 3, 1, [4, 7, 4, 7, 4, 7]),
        ("window 7, hop 3, 스트림 길이 7 (정확히 윈도우 하나)", 7, 3, 3, [2, 2, 2, 1]),
        ("window 7, hop 3, 스트림 길이 6 (윈도우 하나보다 1개 짧음)", 7, 3, 3, [4, 2]),
        ("window 7, hop 3, 스트림 길이 10 (윈도우 두 개)", 7, 3, 3, [3, 3, 4]),
        ("window 7, hop 3, 스트림 길이 9 (윈도우 두 개에 1개 모자람)", 7, 3, 3, [9]),
        ("window 5, hop 1, 묶음 3개씩", 5, 1, 2, [3, 3, 3, 3]),
    ]
    for name, window, hop, channels, sizes in configs:
        stream = rng.standard_normal((sum(sizes), channels)).astype(np.float32)
        expected = _expected_windows(stream, window, hop)
        ends = np.arange(len(expected)) * hop + window  # samples needed for each window
        buffer = buffer_class(window, hop)
        collected, start = [], 0
        for size in sizes:
            chunk = stream[start : start + size].copy()
            chunk_before = chunk.copy()
            out = buffer.push(chunk)
            expect_unchanged(chunk_before, chunk, f"{name}: push에 넘긴 chunk")
            received = start + size
            expect_type(out, "list", f"{name}: push의 반환값 (윈도우들의 리스트)")
            count = int(((ends > start) & (ends <= received)).sum())
            expect_equal(
                len(out),
                count,
                f"{name}: 샘플 {start}개 다음에 {size}개를 받은 push에서 완성된 윈도우의 수",
            )
            for w in out:
                expect_type(w, "array", f"{name}: 윈도우 하나")
                expect_shape(w, (channels, window), f"{name}: 윈도우 하나 (channels, window)")
            collected.extend(out)
            start = received
        # compared after the last push: a window must not change when later samples arrive
        for i, (got, want) in enumerate(zip(collected, expected, strict=True)):
            expect_close(
                got,
                want,
                f"{name}: {i}번째 윈도우 (스트림의 샘플 {i * hop}…{i * hop + window - 1}; "
                "모든 push가 끝난 뒤 다시 비교)",
                atol=1e-6,
            )


@register("aiot_applications/04", 3, "메타데이터로 전처리 (preprocess_window)")
def _check_preprocess(preprocess_window) -> None:
    rng = np.random.default_rng(9)
    cases = [
        (100, 6, np.float32),
        (40, 3, np.float32),
        (6, 6, np.float32),  # time == channels: the axes must still be right
        (20, 1, np.float64),
        (1, 4, np.float32),
        (30, 3, np.int16),  # raw ADC counts
    ]
    for time, channels, dtype in cases:
        name = f"윈도우 (time={time}, channels={channels}, dtype={np.dtype(dtype).name})"
        if np.issubdtype(dtype, np.integer):
            window_tc = rng.integers(-2000, 2000, size=(time, channels)).astype(dtype)
            mean, std = rng.normal(100.0, 50.0, channels), rng.uniform(200.0, 900.0, channels)
        else:
            window_tc = rng.normal(5.0, 3.0, size=(time, channels)).astype(dtype)
            mean, std = rng.normal(2.0, 1.0, channels), rng.uniform(0.5, 4.0, channels)
        metadata = {"mean": mean.tolist(), "std": std.tolist(), "classes": ["a", "b"]}
        before, meta_before = window_tc.copy(), copy.deepcopy(metadata)
        got = preprocess_window(window_tc, metadata)
        expect_unchanged(before, window_tc, f"{name}: window_tc")
        expect_unchanged(meta_before, metadata, f"{name}: metadata")
        expect_type(got, "array", name)
        expect_shape(got, (1, channels, time), f"{name}: 모델 입력 (1, channels, time)")
        expect(
            got.dtype == np.float32, f"{name}: dtype은 float32여야 합니다 (받은 dtype: {got.dtype})"
        )
        expected = ((before.astype(np.float64) - mean) / std).T[None]
        expect_close(got, expected, f"{name}: 채널마다 (x - mean) / std", atol=1e-5, rtol=1e-5)
