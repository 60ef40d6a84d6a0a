"""Reference solutions for aiot_applications/01 (time series forecasting)."""

import numpy as np


def seasonal_naive(history, horizon, season):
    history = np.asarray(history, dtype=float)
    if len(history) < season:
        raise ValueError("history is shorter than one season")
    return np.resize(history[len(history) - season :], horizon)


def mase(y_true, y_pred, history, season):
    history = np.asarray(history, dtype=float)
    if len(history) <= season:
        raise ValueError("history must be longer than one season")
    scale = np.mean(np.abs(history[season:] - history[:-season]))
    if scale == 0:
        raise ValueError("the seasonal naive forecast is perfect on history")
    return float(np.mean(np.abs(np.asarray(y_true) - np.asarray(y_pred))) / scale)


def split_and_standardize(series, n_train, n_val):
    series = np.asarray(series, dtype=float)
    if n_train < 2 or n_train + n_val >= len(series):
        raise ValueError("need at least 2 training points and a non-empty test part")
    train = series[:n_train]
    mean, std = train.mean(), train.std()
    parts = (series[:n_train], series[n_train : n_train + n_val], series[n_train + n_val :])
    return tuple((p - mean) / std for p in parts)


# --- plausible wrong answers ---
def seasonal_naive_first_season(history, horizon, season):  # repeats the oldest season
    history = np.asarray(history, dtype=float)
    if len(history) < season:
        raise ValueError
    return np.resize(history[:season], horizon)


def seasonal_naive_last_value(history, horizon, season):  # persistence, ignores the season
    return np.full(horizon, float(np.asarray(history)[-1]))


def mase_in_sample_naive_lag1(y_true, y_pred, history, season):  # always scales by lag 1
    return mase(y_true, y_pred, history, 1)


def mase_no_checks(y_true, y_pred, history, season):  # divides by zero silently
    history = np.asarray(history, dtype=float)
    scale = np.mean(np.abs(history[season:] - history[:-season])) if len(history) > season else 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.mean(np.abs(np.asarray(y_true) - np.asarray(y_pred))) / scale)


def split_whole_series_stats(series, n_train, n_val):  # leaks the future into the scaling
    series = np.asarray(series, dtype=float)
    if n_train < 2 or n_train + n_val >= len(series):
        raise ValueError
    mean, std = series.mean(), series.std()
    parts = (series[:n_train], series[n_train : n_train + n_val], series[n_train + n_val :])
    return tuple((p - mean) / std for p in parts)


def split_each_part_own_stats(series, n_train, n_val):  # every part standardised by itself
    series = np.asarray(series, dtype=float)
    if n_train < 2 or n_train + n_val >= len(series):
        raise ValueError
    parts = (series[:n_train], series[n_train : n_train + n_val], series[n_train + n_val :])
    return tuple((p - p.mean()) / p.std() for p in parts)


REFERENCE = {1: seasonal_naive, 2: mase, 3: split_and_standardize}
WRONG = {
    1: [seasonal_naive_first_season, seasonal_naive_last_value],
    2: [mase_in_sample_naive_lag1, mase_no_checks],
    3: [split_whole_series_stats, split_each_part_own_stats],
}
