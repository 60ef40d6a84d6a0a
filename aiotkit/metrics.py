"""Forecasting and anomaly-detection metrics, in the form the notebooks report them.

- Forecasting: :func:`mae`, :func:`rmse`, :func:`mape`, and :func:`forecast_metrics` for a table row.
- Detection: :func:`detection_metrics` — ROC AUC (threshold-free) plus precision, recall, F1 and
  the false-alarm rate of one threshold, where a point is an alarm when ``score > threshold``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

__all__ = ["detection_metrics", "forecast_metrics", "mae", "mape", "rmse"]

ArrayLike = Sequence[float] | np.ndarray | torch.Tensor


def _as_array(values: ArrayLike, name: str) -> np.ndarray:
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    arr = np.asarray(values, dtype=np.float64)
    if arr.size == 0:
        raise ValueError(f"{name}가 비어 있습니다 (empty)")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name}에 NaN/inf가 있습니다; 먼저 결측값을 처리하세요.")
    return arr


def _pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    t, p = _as_array(y_true, "y_true"), _as_array(y_pred, "y_pred")
    if t.shape != p.shape:
        raise ValueError(
            f"y_true {t.shape}와 y_pred {p.shape}의 모양이 다릅니다; 같은 모양으로 맞추세요."
        )
    return t, p


def mae(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean absolute error ``mean(|y - ŷ|)``, in the units of the data."""
    t, p = _pair(y_true, y_pred)
    return float(np.mean(np.abs(t - p)))


def rmse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Root mean squared error ``sqrt(mean((y - ŷ)²))``; punishes large errors more than MAE."""
    t, p = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((t - p) ** 2)))


def mape(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean absolute percentage error ``100 * mean(|y - ŷ| / |y|)``, in percent.

    Raises:
        ValueError: a true value is zero (the percentage is undefined there; use MAE or MASE).
    """
    t, p = _pair(y_true, y_pred)
    if np.any(t == 0):
        raise ValueError(
            f"y_true에 0이 {int(np.sum(t == 0))}개 있어 MAPE를 정의할 수 없습니다 "
            "(division by zero); MAE나 MASE를 쓰세요."
        )
    return float(100.0 * np.mean(np.abs(t - p) / np.abs(t)))


def forecast_metrics(y_true: ArrayLike, y_pred: ArrayLike) -> dict[str, float]:
    """``{"MAE", "RMSE", "MAPE"}`` for one forecast; MAPE is NaN when a true value is zero."""
    t, p = _pair(y_true, y_pred)
    return {
        "MAE": mae(t, p),
        "RMSE": rmse(t, p),
        "MAPE": mape(t, p) if np.all(t != 0) else float("nan"),
    }


def detection_metrics(labels: ArrayLike, scores: ArrayLike, threshold: float) -> dict[str, float]:
    """Score an anomaly detector: 1 in ``labels`` marks an anomaly, higher ``scores`` mean
    more anomalous, and ``score > threshold`` raises an alarm.

    Returns:
        ``roc_auc`` (over all thresholds), and for this threshold ``precision`` (alarms that
        were anomalies), ``recall`` (anomalies that raised an alarm), ``f1`` and
        ``false_alarm_rate`` (normal points that raised an alarm). Precision is 0 when there
        is no alarm.

    Raises:
        ValueError: labels other than 0/1, only one class present, or mismatched lengths.
    """
    y = _as_array(labels, "labels").reshape(-1)
    s = _as_array(scores, "scores").reshape(-1)
    if len(y) != len(s):
        raise ValueError(f"labels ({len(y)})와 scores ({len(s)})의 길이가 다릅니다")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("labels는 0(정상) 또는 1(이상)이어야 합니다")
    if y.min() == y.max():
        raise ValueError("labels에 정상(0)과 이상(1)이 모두 있어야 ROC AUC를 계산할 수 있습니다")
    positive = y == 1
    alarm = s > float(threshold)
    true_alarms = int(np.sum(alarm & positive))
    precision = true_alarms / int(alarm.sum()) if alarm.any() else 0.0
    recall = true_alarms / int(positive.sum())
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return {
        "roc_auc": float(roc_auc_score(positive.astype(int), s)),
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "false_alarm_rate": float(np.mean(alarm[~positive])),
    }
