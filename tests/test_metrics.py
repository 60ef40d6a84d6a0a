import math

import numpy as np
import pytest
import torch
from sklearn.metrics import f1_score, precision_score, recall_score

from aiotkit import metrics as M


def test_forecast_errors_by_hand():
    y = np.array([100.0, 200.0, 400.0])
    p = np.array([110.0, 180.0, 400.0])
    assert M.mae(y, p) == pytest.approx(10.0)
    assert M.rmse(y, p) == pytest.approx(math.sqrt((100 + 400) / 3))
    assert M.mape(y, p) == pytest.approx(100 * (0.1 + 0.1 + 0) / 3)
    row = M.forecast_metrics(torch.tensor(y), torch.tensor(p))
    assert row == pytest.approx({"MAE": 10.0, "RMSE": M.rmse(y, p), "MAPE": M.mape(y, p)})


def test_mape_with_zero_target():
    with pytest.raises(ValueError, match="MAPE"):
        M.mape([0.0, 1.0], [0.5, 1.0])
    assert math.isnan(M.forecast_metrics([0.0, 1.0], [0.5, 1.0])["MAPE"])


@pytest.mark.parametrize(
    ("a", "b"),
    [([1.0, 2.0], [1.0]), ([], []), ([1.0, np.nan], [1.0, 2.0])],
)
def test_forecast_bad_input(a, b):
    with pytest.raises(ValueError):
        M.mae(a, b)


def test_detection_metrics_match_sklearn():
    rng = np.random.default_rng(0)
    labels = (rng.random(500) < 0.1).astype(int)
    scores = rng.standard_normal(500) + 2 * labels
    result = M.detection_metrics(labels, scores, threshold=1.0)
    alarm = scores > 1.0
    assert result["precision"] == pytest.approx(precision_score(labels, alarm))
    assert result["recall"] == pytest.approx(recall_score(labels, alarm))
    assert result["f1"] == pytest.approx(f1_score(labels, alarm))
    assert result["false_alarm_rate"] == pytest.approx(alarm[labels == 0].mean())
    assert 0.85 < result["roc_auc"] < 0.99


def test_detection_metrics_no_alarm_and_perfect():
    labels = np.array([0, 0, 1, 1])
    scores = np.array([0.1, 0.2, 0.8, 0.9])
    none = M.detection_metrics(labels, scores, threshold=5.0)
    assert none["precision"] == 0.0 and none["recall"] == 0.0 and none["f1"] == 0.0
    perfect = M.detection_metrics(labels, scores, threshold=0.5)
    assert perfect == {
        "roc_auc": 1.0,
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "false_alarm_rate": 0.0,
    }


@pytest.mark.parametrize(
    ("labels", "scores"),
    [([0, 0, 0], [1.0, 2.0, 3.0]), ([0, 2, 1], [1.0, 2.0, 3.0]), ([0, 1], [1.0])],
)
def test_detection_metrics_bad_input(labels, scores):
    with pytest.raises(ValueError):
        M.detection_metrics(labels, scores, 0.5)
