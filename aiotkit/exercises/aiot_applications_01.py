"""Exercise checkers for aiot_applications/01 (time series forecasting)."""

from __future__ import annotations

import numpy as np

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_raises,
    expect_type,
    expect_unchanged,
    register,
)


def _seasonal_reference(history: np.ndarray, horizon: int, season: int) -> np.ndarray:
    last = history[len(history) - season :]
    return np.array([last[h % season] for h in range(horizon)], dtype=float)


@register("aiot_applications/01", 1, "계절 나이브 예측 (seasonal_naive)")
def _check_seasonal_naive(seasonal_naive) -> None:
    rng = np.random.default_rng(1)
    cases = [
        ("history 0…9, horizon=3, season=4", np.arange(10.0), 3, 4),
        ("history 0…9, horizon=4, season=4", np.arange(10.0), 4, 4),
        ("history 0…9, horizon=6, season=4 (마지막 주기 반복)", np.arange(10.0), 6, 4),
        ("history 0…9, horizon=11, season=3 (나누어떨어지지 않음)", np.arange(10.0), 11, 3),
        ("history 0…9, horizon=2, season=1", np.arange(10.0), 2, 1),
        ("history 길이 = season (5, 1, 2), horizon=5", np.array([5.0, 1.0, 2.0]), 5, 3),
        ("무작위 history 길이 23, horizon=7, season=5", rng.normal(size=23), 7, 5),
        ("길이 672, horizon=48, season=336 (지난주 같은 시각)", rng.normal(size=672), 48, 336),
    ]
    for name, history, horizon, season in cases:
        before = history.copy()
        got = seasonal_naive(history, horizon, season)
        expect_type(got, "array", f"{name}의 예측")
        expect_close(got, _seasonal_reference(before, horizon, season), f"{name}의 예측")
        expect_unchanged(before, history, f"{name}: history")
    expect_raises(seasonal_naive, (np.arange(3.0), 2, 4), "history(길이 3)가 season(4)보다 짧을 때")
    expect_raises(seasonal_naive, (np.arange(6.0), 3, 7), "history(길이 6)가 season(7)보다 짧을 때")


def _reference_mase(y_true, y_pred, history, season) -> float:
    history = np.asarray(history, dtype=float)
    scale = np.mean(np.abs(history[season:] - history[:-season]))
    return float(np.mean(np.abs(np.asarray(y_true) - np.asarray(y_pred))) / scale)


@register("aiot_applications/01", 2, "MASE (mase)")
def _check_mase(mase) -> None:
    history = np.array([1.0, 3.0, 2.0, 4.0, 3.0, 5.0])
    rng = np.random.default_rng(2)
    long_history = rng.normal(size=200).cumsum()
    truth = rng.normal(size=24)
    short_truth = rng.normal(size=5)
    cases = [
        ("history 6개, season=1", [4.0, 6.0], [5.0, 5.0], history, 1, 1.0 / 1.6),
        ("history 6개, season=2", [4.0, 6.0], [5.0, 5.0], history, 2, 1.0),
        ("완벽한 예측 (0이 섞여도 됨)", [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], history, 2, 0.0),
        (
            "history 200개, 예측 24개, season=24",
            truth,
            truth + rng.normal(size=24),
            long_history,
            24,
        ),
        ("history 200개, 예측 5개, season=7", short_truth, short_truth + 1.0, long_history, 7),
        (
            "history 9개, 예측 3개, season=3",
            [1.0, 2.0, 3.0],
            [2.0, 2.0, 5.0],
            np.arange(9.0) ** 2,
            3,
        ),
    ]
    for name, y_true, y_pred, hist, season, *expected in cases:
        y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
        copies = (y_true.copy(), y_pred.copy(), hist.copy())
        value = expected[0] if expected else _reference_mase(y_true, y_pred, hist, season)
        got = mase(y_true, y_pred, hist, season)
        expect_type(got, "float", f"{name}의 MASE")
        expect_close(float(got), value, f"{name}의 MASE", atol=1e-9)
        for before, after, what in zip(
            copies, (y_true, y_pred, hist), ("y_true", "y_pred", "history"), strict=True
        ):
            expect_unchanged(before, after, f"{name}: {what}")
    expect_raises(mase, (np.ones(2), np.ones(2), np.arange(4.0), 4), "len(history) == season일 때")
    expect_raises(mase, (np.ones(2), np.ones(2), np.arange(3.0), 5), "len(history) < season일 때")
    expect_raises(
        mase, (np.ones(2), np.zeros(2), np.full(6, 3.0), 2), "분모(계절 나이브의 MAE)가 0일 때"
    )
    expect_raises(
        mase, (np.ones(2), np.zeros(2), np.tile([1.0, 4.0], 4), 2), "주기 2로 반복되는 history일 때"
    )


@register("aiot_applications/01", 3, "누수 없는 분할과 정규화 (split_and_standardize)")
def _check_split(split_and_standardize) -> None:
    rng = np.random.default_rng(3)
    series = np.concatenate([rng.normal(10, 2, 60), rng.normal(30, 5, 20), rng.normal(50, 9, 20)])
    cases = [
        ("길이 100, n_train=60, n_val=20", series, 60, 20),
        ("길이 100, n_train=70, n_val=25", series, 70, 25),
        ("길이 13, n_train=5, n_val=3", rng.normal(3, 1, 13), 5, 3),
        ("길이 4, n_train=2, n_val=1", np.array([1.0, 4.0, 10.0, -3.0]), 2, 1),
    ]
    for name, values, n_train, n_val in cases:
        before = values.copy()
        got = split_and_standardize(values, n_train, n_val)
        expect(
            isinstance(got, tuple) and len(got) == 3,
            f"{name}: (train_z, val_z, test_z) 세 배열의 튜플을 반환해야 합니다 "
            f"(받은 것: {type(got).__name__})",
        )
        expect_unchanged(before, values, f"{name}: series")
        train = before[:n_train]
        mean, std = train.mean(), train.std()
        parts = (before[:n_train], before[n_train : n_train + n_val], before[n_train + n_val :])
        for part_name, got_part, part in zip(
            ("train_z", "val_z", "test_z"), got, parts, strict=True
        ):
            expect_type(got_part, "array", f"{name}: {part_name}")
            expect_close(
                got_part,
                (part - mean) / std,
                f"{name}: {part_name} (학습 통계로 정규화)",
                atol=1e-9,
            )
    changed = series.copy()
    changed[60:] *= 100  # the future changes wildly
    expect_close(
        split_and_standardize(changed, 60, 20)[0],
        (series[:60] - series[:60].mean()) / series[:60].std(),
        "검증·테스트 값을 바꾼 뒤의 train_z (미래가 학습 부분에 새어 들면 안 됩니다)",
        atol=1e-9,
    )
    expect_raises(split_and_standardize, (np.arange(10.0), 1, 3), "n_train=1일 때")
    expect_raises(split_and_standardize, (np.arange(10.0), 6, 4), "테스트 부분이 비었을 때")
    expect_raises(
        split_and_standardize, (np.arange(10.0), 8, 5), "n_train + n_val이 길이를 넘을 때"
    )
