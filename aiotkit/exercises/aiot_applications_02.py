"""Exercise checkers for aiot_applications/02 (anomaly detection)."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_equal,
    expect_raises,
    register,
)


@register("aiot_applications/02", 1, "정상 점수로 임계값 정하기 (threshold_from_normal)")
def _check_threshold(threshold_from_normal) -> None:
    rng = np.random.default_rng(0)
    for rate in (0.01, 0.05, 0.2):
        scores = rng.exponential(size=2000)
        got = threshold_from_normal(scores.copy(), rate)
        expect(np.ndim(got) == 0, f"float 하나를 반환해야 합니다 (got {type(got).__name__})")
        expect_close(
            float(got),
            np.percentile(scores, 100 * (1 - rate)),
            f"지수분포 점수 2000개, false_alarm_rate={rate}의 임계값",
            atol=1e-9,
        )
        observed = float(np.mean(scores > float(got)))
        expect(
            abs(observed - rate) < 0.005,
            f"false_alarm_rate={rate}: 정상 점수 중 임계값을 넘는 비율이 {observed:.3f}입니다",
        )
    expect_close(
        float(threshold_from_normal(np.arange(101.0), 0.1)),
        90.0,
        "점수 0..100, false_alarm_rate=0.1의 임계값",
    )
    for bad in (0.0, 1.0, -0.1, 1.5):
        expect_raises(threshold_from_normal, (np.arange(10.0), bad), f"false_alarm_rate={bad}일 때")
    expect_raises(threshold_from_normal, (np.array([]), 0.01), "점수가 비었을 때")


@register("aiot_applications/02", 2, "정밀도, 재현율, F1 (precision_recall_f1)")
def _check_prf(precision_recall_f1) -> None:
    rng = np.random.default_rng(1)
    labels = (rng.random(300) < 0.2).astype(int)
    scores = rng.normal(size=300) + 1.5 * labels
    cases = [
        ("무작위 점수, threshold=0.5", labels, scores, 0.5),
        ("무작위 점수, threshold=1.5", labels, scores, 1.5),
        ("경보가 하나도 없음", labels, scores, 100.0),
        ("점수가 임계값과 같음 (> 만 경보)", np.array([0, 1, 1]), np.array([0.5, 0.5, 0.9]), 0.5),
        ("이상이 하나도 없음", np.zeros(5, dtype=int), np.arange(5.0), 2.0),
    ]
    for what, y, s, threshold in cases:
        got = precision_recall_f1(y.copy(), s.copy(), threshold)
        expect(
            isinstance(got, tuple) and len(got) == 3,
            f"{what}: (precision, recall, f1) 세 값의 튜플을 반환해야 합니다",
        )
        p, r, f, _ = precision_recall_fscore_support(
            y, s > threshold, average="binary", zero_division=0
        )
        expect_close(np.array(got, dtype=float), np.array([p, r, f]), what, atol=1e-9)


@register("aiot_applications/02", 3, "고착 결함 주입기 (inject_stuck_at)")
def _check_stuck(inject_stuck_at) -> None:
    values = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    for start, length in [(1, 3), (0, 1), (3, 3), (0, 6)]:
        before = values.copy()
        got = inject_stuck_at(values, start, length)
        expect(
            isinstance(got, tuple) and len(got) == 2,
            "(faulty, labels) 두 배열의 튜플을 반환해야 합니다",
        )
        faulty, labels = (np.asarray(g) for g in got)
        expected = values.copy()
        expected[start : start + length] = values[start]
        expected_labels = np.zeros(6, dtype=int)
        expected_labels[start : start + length] = 1
        expect_close(faulty, expected, f"start={start}, length={length}의 faulty")
        expect_equal(
            np.asarray(labels).astype(int).tolist(),
            expected_labels.tolist(),
            f"start={start}, length={length}의 labels",
        )
        expect(np.array_equal(values, before), "원본 values를 바꾸면 안 됩니다 (복사본을 쓰세요)")
    for start, length in [(4, 3), (-1, 2), (2, 0)]:
        expect_raises(
            inject_stuck_at, (values.copy(), start, length), f"start={start}, length={length}일 때"
        )


@register("aiot_applications/02", 4, "평탄선 탐지기 (flat_line_flags)")
def _check_flat(flat_line_flags) -> None:
    values = np.array([1.0, 2.0, 2.0, 2.0, 2.0, 3.0, 10.0, 3.0, 3.0])
    cases = [
        (values, 3, [0, 0, 0, 1, 1, 0, 0, 0, 0]),
        (values, 2, [0, 0, 1, 1, 1, 0, 0, 0, 1]),
        (values, 4, [0, 0, 0, 0, 1, 0, 0, 0, 0]),
        (values, 1, [1] * 9),
        (np.array([5.0, 5.0]), 3, [0, 0]),  # shorter than one run
    ]
    for v, run_length, expected in cases:
        got = flat_line_flags(v.copy(), run_length)
        expect(
            np.shape(got) == (len(v),),
            f"values와 같은 길이의 bool 배열이어야 합니다 (got shape {np.shape(got)})",
        )
        expect_equal(
            np.asarray(got).astype(int).tolist(),
            expected,
            f"values={v.tolist()}, run_length={run_length}",
        )
    expect_raises(flat_line_flags, (values.copy(), 0), "run_length=0일 때")
