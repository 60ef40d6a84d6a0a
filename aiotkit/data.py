"""Loaders for the real sensor data in ``data/``, time-ordered splits and sliding windows.

Every loader validates what it reads: a missing file, missing columns or NaNs where none are
allowed raise an error that names the file and says what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch.utils.data import Dataset

from aiotkit.paths import data_dir

__all__ = [
    "BasicMotions",
    "DigitsSplit",
    "SlidingWindowDataset",
    "Standardizer",
    "basic_motions_tensors",
    "load_basic_motions",
    "load_co2",
    "load_digits_split",
    "load_electricity",
    "load_occupancy",
    "load_pm25",
    "load_shuttle",
    "load_water_flow",
    "make_window_splits",
    "read_sensor_csv",
    "time_ordered_split",
]

_RESTORE_HINT = "git checkout -- data/ 로 되살리거나 저장소를 다시 clone 하세요"


def _data_file(name: str) -> Path:
    path = data_dir() / name
    if not path.is_file():
        raise FileNotFoundError(
            f"데이터 파일이 없습니다: data/{name} (file not found). {_RESTORE_HINT}."
        )
    return path


def read_sensor_csv(
    path: str | Path,
    columns: Sequence[str],
    *,
    time_column: str | None = None,
    allow_nan: bool = False,
    utc: bool = False,
) -> pd.DataFrame:
    """Read a sensor CSV and validate it.

    Args:
        path: the CSV file (``.csv`` or ``.csv.gz``).
        columns: columns that must be present (besides ``time_column``); they become float.
        time_column: if given, parsed as datetimes and used as the (sorted) index.
        allow_nan: whether missing values are acceptable in ``columns``.
        utc: parse times as UTC (needed when offsets change, e.g. daylight saving time).

    Returns:
        A DataFrame with exactly ``columns`` (float64), indexed by time if ``time_column``.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: a required column is missing, a value is not numeric, NaNs where not
            allowed, or the time column is not increasing.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"데이터 파일이 없습니다: {path.name} (file not found). {_RESTORE_HINT}."
        )
    frame = pd.read_csv(path)
    needed = list(columns) + ([time_column] if time_column else [])
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{path.name}: 필요한 열 {missing}이 없습니다 (missing columns); "
            f"있는 열: {list(frame.columns)}. 올바른 파일인지 확인하세요."
        )
    try:
        values = frame[list(columns)].astype("float64")
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{path.name}: 숫자가 아닌 값이 있습니다 (non-numeric value): {exc}"
        ) from exc
    if not allow_nan:
        nan_counts = values.isna().sum()
        bad = nan_counts[nan_counts > 0]
        if len(bad):
            raise ValueError(
                f"{path.name}: 결측값(NaN)이 있으면 안 되는 열에 NaN이 있습니다: "
                f"{bad.to_dict()}. 파일이 손상되었다면 {_RESTORE_HINT}."
            )
    if time_column:
        index = pd.to_datetime(frame[time_column], utc=utc)
        if not index.is_monotonic_increasing:
            raise ValueError(f"{path.name}: 시간 열 '{time_column}'이 증가하는 순서가 아닙니다.")
        values.index = pd.DatetimeIndex(index, name=time_column)
    return values


@dataclass(frozen=True)
class BasicMotions:
    """The UEA BasicMotions smartwatch data: ``X_*`` has shape (series, 6 channels, 100 steps)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    classes: tuple[str, ...]
    channels: tuple[str, ...]


def load_basic_motions() -> BasicMotions:
    """Load BasicMotions (accelerometer + gyroscope, 10 Hz, 10 s; 4 activities).

    Labels are integer class indices into ``classes`` (alphabetical).
    """
    path = _data_file("basic_motions.npz")
    with np.load(path, allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    needed = {"X_train", "y_train", "X_test", "y_test", "channels"}
    if not needed <= arrays.keys():
        raise ValueError(f"basic_motions.npz: 배열 {sorted(needed - arrays.keys())}이 없습니다.")
    for split in ("train", "test"):
        X = arrays[f"X_{split}"]
        if X.ndim != 3 or X.shape[1] != 6 or len(X) != len(arrays[f"y_{split}"]):
            raise ValueError(f"basic_motions.npz: X_{split}의 모양이 이상합니다: {X.shape}")
        if not np.isfinite(X).all():
            raise ValueError(f"basic_motions.npz: X_{split}에 NaN/inf가 있습니다. {_RESTORE_HINT}.")
    classes = tuple(sorted(set(arrays["y_train"].tolist())))
    lookup = {c: i for i, c in enumerate(classes)}
    return BasicMotions(
        X_train=arrays["X_train"].astype(np.float32),
        y_train=np.array([lookup[c] for c in arrays["y_train"]], dtype=np.int64),
        X_test=arrays["X_test"].astype(np.float32),
        y_test=np.array([lookup[c] for c in arrays["y_test"]], dtype=np.int64),
        classes=classes,
        channels=tuple(arrays["channels"].tolist()),
    )


def basic_motions_tensors(
    standardize: bool = True,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, tuple[str, ...]]:
    """BasicMotions as tensors ``(X_train, y_train, X_test, y_test, classes)``.

    ``X_*`` is float32 of shape (series, 6, 100); with ``standardize`` each channel is scaled
    with the mean and std of the *training* series only.
    """
    bm = load_basic_motions()
    X_train, X_test = bm.X_train, bm.X_test
    if standardize:
        mean = X_train.mean(axis=(0, 2), keepdims=True)
        std = X_train.std(axis=(0, 2), keepdims=True) + 1e-8
        X_train, X_test = (X_train - mean) / std, (X_test - mean) / std
    return (
        torch.from_numpy(X_train.astype(np.float32)),
        torch.from_numpy(bm.y_train),
        torch.from_numpy(X_test.astype(np.float32)),
        torch.from_numpy(bm.y_test),
        bm.classes,
    )


def load_electricity() -> pd.DataFrame:
    """UK (England and Wales) electricity demand in MW, half-hourly, 5 Jun - 27 Aug 2000."""
    return read_sensor_csv(
        _data_file("uk_electricity_demand_2000.csv"), ["demand_mw"], time_column="time"
    )


def load_pm25() -> pd.DataFrame:
    """Hourly rain (mm) and PM2.5 / PM10 (g/m^3), Imperial County (CA), 2015."""
    return read_sensor_csv(
        _data_file("imperial_county_pm_2015.csv"),
        ["rain", "PM2_5", "PM10"],
        time_column="TimeStamp",
    )


def load_shuttle() -> pd.DataFrame:
    """NASA shuttle radiator sensors ``f1``..``f9`` (int readings) and ``anomaly`` (0/1)."""
    columns = [f"f{i}" for i in range(1, 10)] + ["anomaly"]
    frame = read_sensor_csv(_data_file("shuttle.csv.gz"), columns)
    frame["anomaly"] = frame["anomaly"].astype(np.int64)
    return frame


def load_water_flow() -> pd.DataFrame:
    """Hourly pipeline water flow (litres per second), 20 Mar - May 2022; times in UTC."""
    return read_sensor_csv(
        _data_file("water_flow_2022.csv"), ["flow"], time_column="Time", utc=True
    )


def load_occupancy() -> pd.DataFrame:
    """Office temperature (C), relative humidity (%), light (lux), CO2 (ppm), Feb 2015."""
    return read_sensor_csv(
        _data_file("office_occupancy_2015.csv"),
        ["temperature", "humidity", "light", "co2"],
        time_column="time",
    )


def load_co2() -> pd.DataFrame:
    """Weekly Mauna Loa CO2 (ppm), 1958-2001; 59 missing weeks are NaN."""
    return read_sensor_csv(
        _data_file("mauna_loa_co2.csv"), ["co2"], time_column="date", allow_nan=True
    )


def time_ordered_split(
    data: np.ndarray | torch.Tensor | pd.DataFrame | pd.Series,
    fractions: Sequence[float] = (0.7, 0.15, 0.15),
) -> tuple:
    """Split along the first (time) axis into consecutive parts, oldest first, no shuffling.

    Args:
        data: array-like, time on axis 0.
        fractions: positive fractions summing to 1, e.g. (train, val, test).

    Returns:
        A tuple with one consecutive slice of ``data`` per fraction.

    Raises:
        ValueError: fractions not positive or not summing to 1, or a part would be empty.
    """
    fractions = [float(f) for f in fractions]
    if not fractions or any(f <= 0 for f in fractions) or abs(sum(fractions) - 1.0) > 1e-6:
        raise ValueError(f"fractions는 합이 1인 양수들이어야 합니다 (got {fractions})")
    n = len(data)
    bounds = np.round(np.cumsum([0.0, *fractions]) * n).astype(int)
    bounds[-1] = n
    if np.any(np.diff(bounds) <= 0):
        raise ValueError(f"길이 {n}은 {fractions}로 나누기에 너무 짧습니다 (a part would be empty)")
    take = (
        (lambda a, b: data.iloc[a:b])
        if isinstance(data, (pd.DataFrame, pd.Series))
        else (lambda a, b: data[a:b])
    )
    return tuple(take(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True))


class Standardizer:
    """Per-feature standardisation ``(x - mean) / std`` with statistics from training data only.

    ``fit`` takes an array of shape (time,) or (time, features).
    """

    def __init__(self, eps: float = 1e-8) -> None:
        self.eps = eps
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None

    def fit(self, train: np.ndarray) -> Standardizer:
        """Compute mean and std from ``train``; raises ValueError on empty input or NaNs."""
        arr = np.asarray(train, dtype=np.float64)
        if arr.size == 0 or arr.ndim not in (1, 2):
            raise ValueError(
                f"Standardizer.fit: (time,) 또는 (time, features) 배열이 필요합니다; got {arr.shape}"
            )
        if not np.isfinite(arr).all():
            raise ValueError(
                "Standardizer.fit: 학습 데이터에 NaN/inf가 있습니다; 먼저 결측값을 처리하세요."
            )
        self.mean = arr.mean(axis=0)
        self.std = np.maximum(arr.std(axis=0), self.eps)
        return self

    def _check(self) -> None:
        if self.mean is None or self.std is None:
            raise RuntimeError("Standardizer를 먼저 fit(train) 하세요 (not fitted).")

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Standardise ``x`` with the training statistics (float32 result)."""
        self._check()
        return ((np.asarray(x, dtype=np.float64) - self.mean) / self.std).astype(np.float32)

    def inverse_transform(self, z: np.ndarray) -> np.ndarray:
        """Undo :meth:`transform` (float64 result)."""
        self._check()
        return np.asarray(z, dtype=np.float64) * self.std + self.mean

    def state_dict(self) -> dict[str, list[float]]:
        """Statistics as plain lists (for packaging a model with its normalisation)."""
        self._check()
        return {"mean": np.atleast_1d(self.mean).tolist(), "std": np.atleast_1d(self.std).tolist()}


class SlidingWindowDataset(Dataset):
    """Sliding windows over one time series: ``x = series[t : t+input_len]`` and
    ``y = series[t+input_len : t+input_len+horizon]`` for t = 0, stride, 2*stride, ...

    Shapes: for a series of shape (time,), ``x`` is (input_len,) and ``y`` is (horizon,);
    for (time, features), ``x`` is (input_len, features) and ``y`` is (horizon, features),
    or (horizon, len(target_columns)) when ``target_columns`` is given.

    Raises:
        ValueError: non-positive sizes, NaNs in the series, or a series too short for one window.
    """

    def __init__(
        self,
        series: np.ndarray | torch.Tensor,
        input_len: int,
        horizon: int = 1,
        stride: int = 1,
        target_columns: Sequence[int] | None = None,
    ) -> None:
        # a float32 copy: pandas 3 hands out read-only arrays, which torch would warn about
        data = torch.from_numpy(np.array(series, dtype=np.float32))
        if data.ndim not in (1, 2):
            raise ValueError(
                f"series는 (time,) 또는 (time, features) 여야 합니다; got {tuple(data.shape)}"
            )
        for name, value in (("input_len", input_len), ("horizon", horizon), ("stride", stride)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}는 1 이상의 정수여야 합니다 (got {value!r})")
        if not torch.isfinite(data).all():
            raise ValueError(
                "series에 NaN/inf가 있습니다; 윈도우(window)를 만들기 전에 결측값을 처리하세요."
            )
        if len(data) < input_len + horizon:
            raise ValueError(
                f"series 길이 {len(data)}가 윈도우 하나(input_len {input_len} + horizon {horizon})보다 짧습니다."
            )
        if target_columns is not None and data.ndim != 2:
            raise ValueError("target_columns는 (time, features) 시계열에서만 쓸 수 있습니다.")
        self.data = data
        self.input_len = input_len
        self.horizon = horizon
        self.stride = stride
        self.target_columns = list(target_columns) if target_columns is not None else None
        self._count = (len(data) - input_len - horizon) // stride + 1

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(f"window index {index} out of range (0..{self._count - 1})")
        start = index * self.stride
        x = self.data[start : start + self.input_len]
        y = self.data[start + self.input_len : start + self.input_len + self.horizon]
        if self.target_columns is not None:
            y = y[:, self.target_columns]
        return x, y


def make_window_splits(
    series: np.ndarray,
    input_len: int,
    horizon: int = 1,
    fractions: Sequence[float] = (0.7, 0.15, 0.15),
    stride: int = 1,
) -> tuple[SlidingWindowDataset, SlidingWindowDataset, SlidingWindowDataset, Standardizer]:
    """Split a series by time, standardise with training statistics only, and window each part.

    Windows never cross a split boundary, and nothing from the validation or test parts
    influences the normalisation (no leakage).

    Returns:
        ``(train_ds, val_ds, test_ds, scaler)``; use ``scaler.inverse_transform`` to get
        predictions back in the original units.
    """
    parts = time_ordered_split(np.asarray(series), fractions)
    if len(parts) != 3:
        raise ValueError("make_window_splits는 (train, val, test) 세 부분의 fractions가 필요합니다")
    scaler = Standardizer().fit(parts[0])
    datasets = [
        SlidingWindowDataset(scaler.transform(p), input_len, horizon, stride) for p in parts
    ]
    return datasets[0], datasets[1], datasets[2], scaler


@dataclass(frozen=True)
class DigitsSplit:
    """scikit-learn's 8x8 digits as tensors, split into train / validation / test."""

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor

    def sizes(self) -> tuple[int, int, int]:
        """Number of samples in (train, validation, test)."""
        return len(self.y_train), len(self.y_val), len(self.y_test)


def load_digits_split(*, images: bool = False, seed: int = 42) -> DigitsSplit:
    """Load the bundled 8x8 digits (no download), scaled to 0..1, split 60/20/20, stratified.

    ``images=False`` gives flat ``(N, 64)`` float32 features, ``images=True`` gives
    ``(N, 1, 8, 8)`` images for a CNN. Labels are int64. The same ``seed`` always gives the
    same split, so basics/04, models/01 and models/02 evaluate on the same test digits.
    """
    if not isinstance(images, bool):
        raise TypeError(f"images는 True 또는 False여야 합니다; got {images!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed는 0 이상의 정수여야 합니다; got {seed!r}")
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    pixels = digits.images if images else digits.data
    X = torch.from_numpy((pixels / 16.0).astype(np.float32))
    if images:
        X = X.unsqueeze(1)
    y = torch.from_numpy(digits.target.astype(np.int64))
    index = np.arange(len(y))
    train_idx, rest_idx = train_test_split(
        index, test_size=0.4, stratify=digits.target, random_state=seed
    )
    val_idx, test_idx = train_test_split(
        rest_idx, test_size=0.5, stratify=digits.target[rest_idx], random_state=seed
    )
    parts = [torch.from_numpy(i) for i in (train_idx, val_idx, test_idx)]
    return DigitsSplit(*(t for i in parts for t in (X[i], y[i])))
