"""Reference, wrong and alternative answers for aiot_applications/01 (time series forecasting)."""

import numpy as np
import torch


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


# --- plausible wrong answers: exercise 1 ---
def seasonal_naive_first_season(history, horizon, season):  # repeats the oldest season
    history = np.asarray(history, dtype=float)
    if len(history) < season:
        raise ValueError
    return np.resize(history[:season], horizon)


def seasonal_naive_last_value(history, horizon, season):  # persistence, ignores the season
    return np.full(horizon, float(np.asarray(history)[-1]))


def seasonal_naive_no_repeat(history, horizon, season):  # horizon > season: too short
    if len(history) < season:
        raise ValueError
    return np.asarray(history[-season:][:horizon], dtype=float)


def seasonal_naive_tile_floor(history, horizon, season):  # drops the partial last season
    if len(history) < season:
        raise ValueError
    return np.tile(history[-season:], max(horizon // season, 1))[:horizon]


def seasonal_naive_no_check(history, horizon, season):  # short history: silently uses all of it
    last = np.asarray(history, dtype=float)[-season:]
    return np.resize(last, horizon)


def seasonal_naive_list(history, horizon, season):  # returns a list, not an array
    if len(history) < season:
        raise ValueError
    return [float(history[len(history) - season + h % season]) for h in range(horizon)]


# --- exercise 2 ---
def mase_in_sample_naive_lag1(y_true, y_pred, history, season):  # always scales by lag 1
    return mase(y_true, y_pred, history, 1)


def mase_no_checks(y_true, y_pred, history, season):  # divides by zero silently
    history = np.asarray(history, dtype=float)
    scale = np.mean(np.abs(history[season:] - history[:-season])) if len(history) > season else 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.mean(np.abs(np.asarray(y_true) - np.asarray(y_pred))) / scale)


def mase_divides_by_T(y_true, y_pred, history, season):  # denominator averages over T, not T - m
    history = np.asarray(history, dtype=float)
    if len(history) <= season:
        raise ValueError
    scale = np.sum(np.abs(history[season:] - history[:-season])) / len(history)
    if scale == 0:
        raise ValueError
    return float(np.mean(np.abs(y_true - y_pred)) / scale)


def mase_sum_ratio(y_true, y_pred, history, season):  # sums instead of means
    history = np.asarray(history, dtype=float)
    if len(history) <= season:
        raise ValueError
    scale = np.sum(np.abs(history[season:] - history[:-season]))
    if scale == 0:
        raise ValueError
    return float(np.sum(np.abs(y_true - y_pred)) / scale)


def mase_scales_by_y_true(y_true, y_pred, history, season):  # naive error on the test part
    history = np.asarray(history, dtype=float)
    if len(history) <= season:
        raise ValueError
    both = np.concatenate([history, y_true])
    scale = np.mean(np.abs(both[season:] - both[:-season]))
    if scale == 0:
        raise ValueError
    return float(np.mean(np.abs(y_true - y_pred)) / scale)


def mase_tensor(y_true, y_pred, history, season):  # returns a 0-d tensor, not a float
    h = torch.as_tensor(np.asarray(history, dtype=float))
    if len(h) <= season:
        raise ValueError
    scale = (h[season:] - h[:-season]).abs().mean()
    if scale == 0:
        raise ValueError
    return (torch.as_tensor(y_true) - torch.as_tensor(y_pred)).abs().mean() / scale


# --- exercise 3 ---
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


def split_sample_std(series, n_train, n_val):  # ddof=1 instead of np.std's ddof=0
    series = np.asarray(series, dtype=float)
    if n_train < 2 or n_train + n_val >= len(series):
        raise ValueError
    mean, std = series[:n_train].mean(), series[:n_train].std(ddof=1)
    parts = (series[:n_train], series[n_train : n_train + n_val], series[n_train + n_val :])
    return tuple((p - mean) / std for p in parts)


def split_in_place(series, n_train, n_val):  # standardises the caller's array in place
    if n_train < 2 or n_train + n_val >= len(series):
        raise ValueError
    mean, std = series[:n_train].mean(), series[:n_train].std()
    series -= mean
    series /= std
    return series[:n_train], series[n_train : n_train + n_val], series[n_train + n_val :]


def split_val_overlaps(series, n_train, n_val):  # validation ends one point late
    series = np.asarray(series, dtype=float)
    if n_train < 2 or n_train + n_val >= len(series):
        raise ValueError
    mean, std = series[:n_train].mean(), series[:n_train].std()
    parts = (series[:n_train], series[n_train : n_train + n_val + 1], series[n_train + n_val :])
    return tuple((p - mean) / std for p in parts)


def split_no_check(series, n_train, n_val):  # an empty test part is returned silently
    series = np.asarray(series, dtype=float)
    mean, std = series[:n_train].mean(), series[:n_train].std()
    parts = (series[:n_train], series[n_train : n_train + n_val], series[n_train + n_val :])
    with np.errstate(divide="ignore", invalid="ignore"):  # the checker's 1-point case: std 0
        return tuple((p - mean) / std for p in parts)


# --- correct alternatives ---
def seasonal_naive_loop(history, horizon, season):
    if len(history) < season:
        raise ValueError("history가 한 주기보다 짧습니다")
    n = len(history)
    return np.array([history[n - season + h % season] for h in range(horizon)], dtype=float)


def seasonal_naive_tile(history, horizon, season):
    history = np.asarray(history, dtype=float)
    if history.shape[0] < season:
        raise ValueError
    repeats = -(-horizon // season)
    return np.tile(history[-season:], repeats)[:horizon].copy()


def seasonal_naive_torch(history, horizon, season):
    h = torch.as_tensor(history, dtype=torch.float64)
    if h.numel() < season:
        raise ValueError
    index = torch.arange(horizon) % season + (h.numel() - season)
    return h[index].numpy()


def mase_loop(y_true, y_pred, history, season):
    T = len(history)
    if T <= season:
        raise ValueError
    scale = sum(abs(history[t] - history[t - season]) for t in range(season, T)) / (T - season)
    if scale == 0:
        raise ValueError
    mae = sum(abs(a - b) for a, b in zip(y_true, y_pred, strict=True)) / len(y_true)
    return mae / scale


def mase_torch(y_true, y_pred, history, season):
    h = torch.as_tensor(history, dtype=torch.float64)
    if len(h) <= season:
        raise ValueError
    scale = (h[season:] - h[:-season]).abs().mean()
    if scale.item() == 0:
        raise ValueError
    error = (torch.as_tensor(y_true) - torch.as_tensor(y_pred)).abs().mean()
    return (error / scale).item()


def split_np_split(series, n_train, n_val):
    series = np.asarray(series, dtype=float)
    if n_train < 2 or len(series) - n_train - n_val < 1:
        raise ValueError
    train, val, test = np.split(series, [n_train, n_train + n_val])
    mean = train.mean()
    std = np.sqrt(np.mean((train - mean) ** 2))
    return (train - mean) / std, (val - mean) / std, (test - mean) / std


def split_copy_then_in_place(series, n_train, n_val):
    if n_train < 2 or n_train + n_val >= len(series):
        raise ValueError
    z = np.array(series, dtype=float)  # a copy: the caller's array stays as it was
    z -= z[:n_train].mean()
    z /= np.asarray(series[:n_train]).std()
    return z[:n_train], z[n_train : n_train + n_val], z[n_train + n_val :]


REFERENCE = {1: seasonal_naive, 2: mase, 3: split_and_standardize}
WRONG = {
    1: [
        seasonal_naive_first_season,
        seasonal_naive_last_value,
        seasonal_naive_no_repeat,
        seasonal_naive_tile_floor,
        seasonal_naive_no_check,
        seasonal_naive_list,
    ],
    2: [
        mase_in_sample_naive_lag1,
        mase_no_checks,
        mase_divides_by_T,
        mase_sum_ratio,
        mase_scales_by_y_true,
        mase_tensor,
    ],
    3: [
        split_whole_series_stats,
        split_each_part_own_stats,
        split_sample_std,
        split_in_place,
        split_val_overlaps,
        split_no_check,
    ],
}
ALTERNATIVES = {
    1: [seasonal_naive_loop, seasonal_naive_tile, seasonal_naive_torch],
    2: [mase_loop, mase_torch],
    3: [split_np_split, split_copy_then_in_place],
}
