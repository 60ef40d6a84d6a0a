"""Exercise checkers for aiot_applications/01 (time series forecasting)."""

from __future__ import annotations

import numpy as np

from aiotkit.exercises.core import expect, expect_close, expect_raises, register


@register("aiot_applications/01", 1, "계절 나이브 예측 (seasonal_naive)")
def _check_seasonal_naive(seasonal_naive) -> None:
    history = np.arange(10.0)  # 0..9
    cases = [
        (history, 3, 4, [6.0, 7.0, 8.0]),  # last season = 6, 7, 8, 9
        (history, 4, 4, [6.0, 7.0, 8.0, 9.0]),
        (history, 6, 4, [6.0, 7.0, 8.0, 9.0, 6.0, 7.0]),  # repeats the last season
        (history, 2, 1, [9.0, 9.0]),  # season 1 = last value
        (np.array([5.0, 1.0, 2.0]), 5, 3, [5.0, 1.0, 2.0, 5.0, 1.0]),  # history == one season
    ]
    for hist, horizon, season, expected in cases:
        before = hist.copy()
        got = seasonal_naive(hist, horizon, season)
        expect_close(
            np.asarray(got, dtype=float),
            np.array(expected),
            f"history={hist.tolist()}, horizon={horizon}, season={season}의 예측",
        )
        expect(np.array_equal(hist, before), "history를 바꾸면 안 됩니다")
    rng = np.random.default_rng(0)
    week = rng.normal(size=336 * 2)
    expect_close(
        np.asarray(seasonal_naive(week, 48, 336), dtype=float),
        week[336 : 336 + 48],
        "길이 672의 history, horizon=48, season=336 (지난주 같은 시각)",
    )
    expect_raises(seasonal_naive, (np.arange(3.0), 2, 4), "history(길이 3)가 season(4)보다 짧을 때")


def _reference_mase(y_true, y_pred, history, season) -> float:
    history = np.asarray(history, dtype=float)
    scale = np.mean(np.abs(history[season:] - history[:-season]))
    return float(np.mean(np.abs(np.asarray(y_true) - np.asarray(y_pred))) / scale)


@register("aiot_applications/01", 2, "MASE (mase)")
def _check_mase(mase) -> None:
    history = np.array([1.0, 3.0, 2.0, 4.0, 3.0, 5.0])
    # season 1: |3-1|,|2-3|,|4-2|,|3-4|,|5-3| -> mean 1.6 ; season 2: all 1 -> 1.0
    cases = [
        ([4.0, 6.0], [5.0, 5.0], history, 1, 1.0 / 1.6),
        ([4.0, 6.0], [5.0, 5.0], history, 2, 1.0),
        ([0.0, 0.0, 0.0], [0.0, 0.0, 0.0], history, 2, 0.0),  # zeros are fine for MASE
    ]
    rng = np.random.default_rng(1)
    long_history = rng.normal(size=200).cumsum()
    truth = rng.normal(size=24)
    cases.append((truth, truth + rng.normal(size=24), long_history, 24, None))
    for y_true, y_pred, hist, season, expected in cases:
        if expected is None:
            expected = _reference_mase(y_true, y_pred, hist, season)
        got = mase(np.asarray(y_true), np.asarray(y_pred), np.asarray(hist), season)
        expect(
            np.ndim(got) == 0,
            f"float 하나를 반환해야 합니다 (got {type(got).__name__})",
        )
        expect_close(
            float(got),
            expected,
            f"season={season}, y_true={np.round(y_true, 2).tolist()[:4]}... 의 MASE",
            atol=1e-6,
        )
    expect_raises(mase, (np.ones(2), np.ones(2), np.arange(4.0), 4), "len(history) <= season 일 때")
    expect_raises(
        mase, (np.ones(2), np.zeros(2), np.full(6, 3.0), 2), "분모(계절 나이브의 MAE)가 0일 때"
    )


@register("aiot_applications/01", 3, "누수 없는 분할과 정규화 (split_and_standardize)")
def _check_split(split_and_standardize) -> None:
    rng = np.random.default_rng(2)
    series = np.concatenate([rng.normal(10, 2, 60), rng.normal(30, 5, 20), rng.normal(50, 9, 20)])
    got = split_and_standardize(series.copy(), 60, 20)
    expect(
        isinstance(got, tuple) and len(got) == 3,
        "(train_z, val_z, test_z) 세 배열의 튜플을 반환해야 합니다",
    )
    train_z, val_z, test_z = (np.asarray(g, dtype=float) for g in got)
    mean, std = series[:60].mean(), series[:60].std()
    expect_close(train_z, (series[:60] - mean) / std, "train_z (학습 통계로 정규화)", atol=1e-6)
    expect_close(val_z, (series[60:80] - mean) / std, "val_z (학습 통계로 정규화)", atol=1e-6)
    expect_close(test_z, (series[80:] - mean) / std, "test_z (학습 통계로 정규화)", atol=1e-6)
    changed = series.copy()
    changed[60:] *= 100  # the future changes wildly
    again = split_and_standardize(changed, 60, 20)
    expect_close(
        np.asarray(again[0], dtype=float),
        train_z,
        "검증·테스트 값을 바꾼 뒤의 train_z (미래가 학습 부분에 새어 들면 안 됩니다)",
        atol=1e-6,
    )
    expect_raises(split_and_standardize, (np.arange(10.0), 1, 3), "n_train < 2일 때")
    expect_raises(split_and_standardize, (np.arange(10.0), 6, 4), "테스트 부분이 비었을 때")
