"""Exercise checkers for aiot_applications/02 (anomaly detection)."""

from __future__ import annotations

import math

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_equal,
    expect_not_using,
    expect_raises,
    expect_type,
    expect_unchanged,
    register,
)


@register("aiot_applications/02", 1, "정상 점수로 임계값 정하기 (threshold_from_normal)")
def _check_threshold(threshold_from_normal) -> None:
    rng = np.random.default_rng(0)
    cases = [
        ("지수분포 점수 2000개", rng.exponential(size=2000), 0.01),
        ("지수분포 점수 2000개", rng.exponential(size=2000), 0.05),
        ("정규분포 점수 1000개", rng.normal(size=1000), 0.2),
        ("점수 0…100 (101개)", np.arange(101.0), 0.1),
        ("무작위 점수 10개", rng.normal(size=10), 0.25),
        ("무작위 점수 10개", rng.normal(size=10), 0.5),
        ("무작위 점수 40개", rng.uniform(size=40), 0.05),
        ("정수 점수 7개", rng.permutation(7) * 3, 0.3),
    ]
    for name, scores, rate in cases:
        before = scores.copy()
        got = threshold_from_normal(scores, rate)
        what = f"{name}, false_alarm_rate={rate}"
        expect_type(got, "float", f"{what}의 임계값")
        expect_unchanged(before, scores, f"{what}: normal_scores")
        above = int(np.sum(before > got))
        target = rate * len(before)
        allowed = sorted({math.floor(target + 1e-9), math.ceil(target - 1e-9)})
        shown = " 또는 ".join(f"{n}개" for n in allowed)
        expect(
            above in allowed,
            f"{what}: 임계값 {float(got):.4g}를 넘는 정상 점수가 {above}개입니다 "
            f"(기대: {shown}, 즉 비율 {rate})",
        )
    for bad in (0.0, 1.0, -0.1, 1.5):
        expect_raises(threshold_from_normal, (np.arange(10.0), bad), f"false_alarm_rate={bad}일 때")
    expect_raises(threshold_from_normal, (np.array([]), 0.01), "점수가 비었을 때")


_SKLEARN = {
    "precision_recall_fscore_support": "sklearn.metrics.precision_recall_fscore_support",
    "precision_score": "sklearn.metrics.precision_score",
    "recall_score": "sklearn.metrics.recall_score",
    "f1_score": "sklearn.metrics.f1_score",
    "fbeta_score": "sklearn.metrics.fbeta_score",
    "confusion_matrix": "sklearn.metrics.confusion_matrix",
    "classification_report": "sklearn.metrics.classification_report",
    "sklearn": "sklearn",
}


@register("aiot_applications/02", 2, "정밀도, 재현율, F1 (precision_recall_f1)")
def _check_prf(precision_recall_f1) -> None:
    expect_not_using(precision_recall_f1, _SKLEARN, "sklearn 없이 NumPy로 직접 세기")
    rng = np.random.default_rng(1)
    labels = (rng.random(300) < 0.2).astype(int)
    scores = rng.normal(size=300) + 1.5 * labels
    few = np.array([1, 0, 0, 1, 0, 0, 0, 1])
    cases = [
        ("무작위 점수 300개, threshold=0.5", labels, scores, 0.5),
        ("무작위 점수 300개, threshold=1.5", labels, scores, 1.5),
        ("무작위 점수 300개, threshold=-1.0", labels, scores, -1.0),
        ("경보가 하나도 없음", labels, scores, 100.0),
        ("점수가 임계값과 같음 (> 만 경보)", np.array([0, 1, 1]), np.array([0.5, 0.5, 0.9]), 0.5),
        ("이상이 하나도 없음", np.zeros(5, dtype=int), np.arange(5.0), 2.0),
        ("점수 8개, threshold=0.3", few, np.array([0.9, 0.8, 0.1, 0.2, 0.7, 0.0, 0.4, 0.35]), 0.3),
    ]
    for what, y, s, threshold in cases:
        y_before, s_before = y.copy(), s.copy()
        got = precision_recall_f1(y, s, threshold)
        expect(
            isinstance(got, tuple) and len(got) == 3,
            f"{what}: (precision, recall, f1) 세 값의 튜플을 반환해야 합니다 "
            f"(받은 것: {type(got).__name__})",
        )
        for name, value in zip(("precision", "recall", "f1"), got, strict=True):
            expect_type(value, "float", f"{what}: {name}")
        p, r, f, _ = precision_recall_fscore_support(
            y_before, s_before > threshold, average="binary", zero_division=0
        )
        for name, value, expected in zip(
            ("precision", "recall", "f1"), got, (p, r, f), strict=True
        ):
            expect_close(float(value), float(expected), f"{what}: {name}", atol=1e-9)
        expect_unchanged(y_before, y, f"{what}: labels")
        expect_unchanged(s_before, s, f"{what}: scores")


@register("aiot_applications/02", 3, "고착 결함 주입기 (inject_stuck_at)")
def _check_stuck(inject_stuck_at) -> None:
    rng = np.random.default_rng(2)
    six = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    cases = [(six, 1, 3), (six, 0, 1), (six, 3, 3), (six, 0, 6), (six, 5, 1)]
    cases += [(rng.normal(size=20), 7, 5), (rng.normal(size=9), 2, 6)]
    for values, start, length in cases:
        name = f"길이 {len(values)}, start={start}, length={length}"
        before = values.copy()
        got = inject_stuck_at(values, start, length)
        expect(
            isinstance(got, tuple) and len(got) == 2,
            f"{name}: (faulty, labels) 두 배열의 튜플을 반환해야 합니다",
        )
        expect_unchanged(before, values, f"{name}: values")
        faulty, labels = got
        expected = before.copy()
        expected[start : start + length] = before[start]
        expected_labels = np.zeros(len(before), dtype=int)
        expected_labels[start : start + length] = 1
        expect_type(faulty, "array", f"{name}: faulty")
        expect_close(faulty, expected, f"{name}: faulty", atol=0)
        expect_type(labels, "array", f"{name}: labels")
        expect(
            np.issubdtype(labels.dtype, np.integer),
            f"{name}: labels는 정수 배열이어야 합니다 (받은 dtype: {labels.dtype})",
        )
        expect_equal(labels.tolist(), expected_labels.tolist(), f"{name}: labels")
    for start, length in [(4, 3), (-1, 2), (2, 0), (6, 1), (0, 7)]:
        expect_raises(
            inject_stuck_at, (six.copy(), start, length), f"start={start}, length={length}일 때"
        )


def _flat_reference(values: np.ndarray, run_length: int) -> list[bool]:
    flags = []
    for t in range(len(values)):
        window = values[t - run_length + 1 : t + 1] if t >= run_length - 1 else values[:0]
        flags.append(len(window) == run_length and bool(np.all(window == values[t])))
    return flags


@register("aiot_applications/02", 4, "평탄선 탐지기 (flat_line_flags)")
def _check_flat(flat_line_flags) -> None:
    rng = np.random.default_rng(3)
    values = np.array([1.0, 2.0, 2.0, 2.0, 2.0, 3.0, 10.0, 3.0, 3.0])
    stuck = rng.normal(size=30).round(1)
    stuck[5:12] = stuck[5]
    stuck[20:23] = stuck[20]
    cases = [
        (values, 3),
        (values, 2),
        (values, 4),
        (values, 1),
        (values, 9),
        (np.array([5.0, 5.0]), 3),  # shorter than one run
        (np.array([4.0, 4.0, 4.0]), 3),  # exactly one run
        (np.array([2.0, 2.0, 2.0 + 1e-9, 2.0]), 2, "values=[2, 2, 2 + 1e-9, 2]"),  # not equal
        (stuck, 4, "길이 30, 고착 구간 두 개"),
    ]
    for v, run_length, *label in cases:
        shown = label[0] if label else f"values={v.tolist()}"
        name = f"{shown}, run_length={run_length}"
        before = v.copy()
        got = flat_line_flags(v, run_length)
        expect_type(got, "array", name)
        expect(
            got.dtype == np.bool_,
            f"{name}: bool 배열이어야 합니다 (받은 dtype: {got.dtype}) — 0/1 정수로 바꾸지 마세요",
        )
        expect_equal(got.shape, (len(v),), f"{name}: 모양")
        expect_equal(got.tolist(), _flat_reference(before, run_length), name)
        expect_unchanged(before, v, f"{name}: values")
    expect_raises(flat_line_flags, (values.copy(), 0), "run_length=0일 때")
    expect_raises(flat_line_flags, (values.copy(), -2), "run_length=-2일 때")
