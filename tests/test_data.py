import hashlib

import numpy as np
import pandas as pd
import pytest
import torch

from aiotkit import data as D
from conftest import ROOT


def test_sha256_sums_match():
    lines = (ROOT / "data" / "SHA256SUMS").read_text().split("\n")
    entries = [line.split() for line in lines if line.strip()]
    assert len(entries) == 7
    for digest, name in entries:
        actual = hashlib.sha256((ROOT / "data" / name).read_bytes()).hexdigest()
        assert actual == digest, f"data/{name} changed (sha256 mismatch)"


def test_basic_motions_shapes_and_labels():
    bm = D.load_basic_motions()
    assert bm.X_train.shape == (40, 6, 100) and bm.X_test.shape == (40, 6, 100)
    assert bm.classes == ("badminton", "running", "standing", "walking")
    assert set(bm.y_train.tolist()) == {0, 1, 2, 3} and bm.y_train.dtype == np.int64
    assert len(bm.channels) == 6


def test_basic_motions_tensors_standardized_with_train_stats():
    X_train, y_train, X_test, _, classes = D.basic_motions_tensors()
    assert X_train.dtype == torch.float32 and len(classes) == 4
    means = X_train.mean(dim=(0, 2))
    assert torch.allclose(means, torch.zeros(6), atol=1e-4)
    assert not torch.allclose(X_test.mean(dim=(0, 2)), torch.zeros(6), atol=1e-4)


@pytest.mark.parametrize(
    ("loader", "rows", "columns"),
    [
        (D.load_electricity, 4032, ["demand_mw"]),
        (D.load_pm25, 8760, ["rain", "PM2_5", "PM10"]),
        (D.load_shuttle, 49097, [f"f{i}" for i in range(1, 10)] + ["anomaly"]),
        (D.load_water_flow, 1268, ["flow"]),
        (D.load_occupancy, 509, ["temperature", "humidity", "light", "co2"]),
        (D.load_co2, 2284, ["co2"]),
    ],
)
def test_csv_loaders(loader, rows, columns):
    frame = loader()
    assert len(frame) == rows and list(frame.columns) == columns


def test_shuttle_anomaly_count():
    assert D.load_shuttle()["anomaly"].sum() == 3511


def test_co2_keeps_missing_weeks():
    assert D.load_co2()["co2"].isna().sum() == 59


def test_missing_file_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("AIOT_DATA_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="uk_electricity_demand_2000.csv"):
        D.load_electricity()


def test_wrong_columns_are_a_clear_error(tmp_path):
    path = tmp_path / "bad.csv"
    pd.DataFrame({"time": ["2020-01-01"], "other": [1.0]}).to_csv(path, index=False)
    with pytest.raises(ValueError, match="demand_mw"):
        D.read_sensor_csv(path, ["demand_mw"], time_column="time")


def test_nan_is_a_clear_error(tmp_path):
    path = tmp_path / "nan.csv"
    pd.DataFrame({"v": [1.0, None, 3.0]}).to_csv(path, index=False)
    with pytest.raises(ValueError, match="NaN"):
        D.read_sensor_csv(path, ["v"])
    assert D.read_sensor_csv(path, ["v"], allow_nan=True)["v"].isna().sum() == 1


def test_non_numeric_and_unsorted_time(tmp_path):
    path = tmp_path / "text.csv"
    pd.DataFrame({"v": ["a", "b"]}).to_csv(path, index=False)
    with pytest.raises(ValueError, match="숫자"):
        D.read_sensor_csv(path, ["v"])
    path2 = tmp_path / "order.csv"
    pd.DataFrame({"t": ["2020-01-02", "2020-01-01"], "v": [1, 2]}).to_csv(path2, index=False)
    with pytest.raises(ValueError, match="증가"):
        D.read_sensor_csv(path2, ["v"], time_column="t")


def test_time_ordered_split_is_consecutive():
    a = np.arange(100)
    train, val, test = D.time_ordered_split(a, (0.7, 0.15, 0.15))
    assert len(train) == 70 and len(val) == 15 and len(test) == 15
    assert np.array_equal(np.concatenate([train, val, test]), a)
    frame = pd.DataFrame({"x": a})
    parts = D.time_ordered_split(frame, (0.5, 0.5))
    assert parts[1]["x"].iloc[0] == 50


@pytest.mark.parametrize("fractions", [(0.5, 0.6), (1.0, 0.0), (), (-0.5, 1.5)])
def test_time_ordered_split_rejects_bad_fractions(fractions):
    with pytest.raises(ValueError):
        D.time_ordered_split(np.arange(10), fractions)


def test_time_ordered_split_too_short():
    with pytest.raises(ValueError, match="짧습니다"):
        D.time_ordered_split(np.arange(3), (0.8, 0.1, 0.1))


def test_standardizer_round_trip_and_errors():
    rng = np.random.default_rng(0)
    train = rng.normal(5, 2, size=(100, 3))
    scaler = D.Standardizer().fit(train)
    z = scaler.transform(train)
    assert np.allclose(z.mean(axis=0), 0, atol=1e-5) and np.allclose(z.std(axis=0), 1, atol=1e-5)
    assert np.allclose(scaler.inverse_transform(z), train, atol=1e-4)
    assert len(scaler.state_dict()["mean"]) == 3
    with pytest.raises(RuntimeError):
        D.Standardizer().transform(train)
    with pytest.raises(ValueError):
        D.Standardizer().fit(np.array([1.0, np.nan]))
    with pytest.raises(ValueError):
        D.Standardizer().fit(np.array([]))


def test_sliding_window_dataset_univariate():
    ds = D.SlidingWindowDataset(np.arange(10.0), input_len=3, horizon=2)
    assert len(ds) == 6
    x, y = ds[0]
    assert x.tolist() == [0, 1, 2] and y.tolist() == [3, 4]
    x, y = ds[-1]
    assert x.tolist() == [5, 6, 7] and y.tolist() == [8, 9]
    with pytest.raises(IndexError):
        ds[6]


def test_sliding_window_dataset_multivariate_stride_targets():
    series = np.arange(40.0).reshape(20, 2)
    ds = D.SlidingWindowDataset(series, input_len=4, horizon=1, stride=3, target_columns=[1])
    assert len(ds) == 6
    x, y = ds[1]
    assert x.shape == (4, 2) and y.shape == (1, 1) and y.item() == series[7, 1]


@pytest.mark.parametrize(
    ("series", "kwargs"),
    [
        (np.arange(4.0), {"input_len": 3, "horizon": 2}),
        (np.array([1.0, np.nan, 3.0, 4.0]), {"input_len": 2}),
        (np.arange(10.0), {"input_len": 0}),
        (np.zeros((2, 2, 2)), {"input_len": 1}),
        (np.arange(10.0), {"input_len": 2, "target_columns": [0]}),
    ],
)
def test_sliding_window_dataset_bad_input(series, kwargs):
    with pytest.raises(ValueError):
        D.SlidingWindowDataset(series, **kwargs)


def test_make_window_splits_no_leakage_and_no_crossing():
    series = np.concatenate([np.zeros(70), np.full(15, 100.0), np.full(15, 200.0)])
    train, val, test, scaler = D.make_window_splits(series, input_len=5, horizon=2)
    assert scaler.mean == pytest.approx(0.0)  # statistics from the training part only
    for ds, level in ((train, 0.0), (val, 100.0), (test, 200.0)):
        for i in range(len(ds)):
            x, y = ds[i]
            values = scaler.inverse_transform(torch.cat([x, y]).numpy())
            assert np.allclose(values, level)  # a window never mixes two parts
    assert len(train) == 70 - 7 + 1


def test_sliding_window_dataset_accepts_read_only_arrays(recwarn):
    series = np.arange(10.0)
    series.flags.writeable = False
    ds = D.SlidingWindowDataset(series, input_len=3)
    assert ds[0][0].tolist() == [0, 1, 2] and not recwarn.list
    ds2 = D.SlidingWindowDataset(torch.arange(10.0), input_len=3)
    assert len(ds2) == 7


def test_digits_split_is_stratified_fixed_and_shaped():
    from aiotkit.data import load_digits_split

    flat = load_digits_split()
    assert flat.sizes() == (1078, 359, 360)
    assert flat.X_train.shape == (1078, 64) and flat.X_train.dtype == torch.float32
    assert flat.y_train.dtype == torch.int64
    assert 0.0 <= float(flat.X_train.min()) and float(flat.X_train.max()) <= 1.0
    again = load_digits_split()
    assert torch.equal(flat.X_test, again.X_test)
    img = load_digits_split(images=True)
    assert img.X_val.shape == (359, 1, 8, 8)
    assert torch.equal(img.X_val.flatten(1), flat.X_val)
    counts = torch.bincount(flat.y_test, minlength=10)
    assert int(counts.min()) >= 35
    with pytest.raises(ValueError, match="seed"):
        load_digits_split(seed=-1)
