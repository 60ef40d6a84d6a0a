"""Plots students would rather look at than read: curves, series with anomalies, confusion.

Plot text is Korean. matplotlib's default fonts have no Hangul glyphs (a missing glyph draws an
empty box and prints a "Glyph ... missing" warning), so the package ships NanumGothic (SIL Open
Font License 1.1, see ``aiotkit/fonts/OFL.txt``) and :func:`use_korean_font` registers it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import font_manager
from matplotlib.axes import Axes

from aiotkit.train import History

__all__ = [
    "KOREAN_FONT_PATH",
    "plot_confusion_matrix",
    "plot_history",
    "plot_series",
    "use_korean_font",
]

KOREAN_FONT_PATH = Path(__file__).resolve().parent / "fonts" / "NanumGothic.ttf"


def use_korean_font(font_path: str | Path = KOREAN_FONT_PATH) -> None:
    """Register a Hangul font with matplotlib and use it for every glyph DejaVu Sans lacks.

    Latin letters, digits and math text stay in DejaVu Sans, matplotlib's own font, which has
    the minus sign (U+2212) that log-scale tick labels draw; Hangul falls back, glyph by glyph,
    to the registered font. So neither empty boxes nor "Glyph ... missing" warnings appear.
    Calling it again is harmless. Raises FileNotFoundError when the font file is missing.
    """
    path = Path(font_path)
    if not path.is_file():
        raise FileNotFoundError(
            f"use_korean_font: 글꼴 파일이 없습니다: {path}. "
            "저장소의 aiotkit/fonts/를 되살리거나 (git checkout aiotkit/fonts) "
            "Hangul 글꼴(.ttf/.otf)의 경로를 넘기세요."
        )
    name = font_manager.FontProperties(fname=str(path)).get_name()
    if not any(f.fname == str(path) for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(path))
    # a list of families, not one: matplotlib then falls back glyph by glyph
    plt.rcParams["font.family"] = ["DejaVu Sans", name]


CURVE_LABELS = {"train_loss": "학습 손실", "val_loss": "검증 손실"}


def plot_history(
    history: History | Mapping[str, Sequence[float]], title: str = "학습 곡선"
) -> Axes:
    """Plot loss curves (and the validation metric on a second axis) against epochs."""
    curves = history.as_dict() if isinstance(history, History) else dict(history)
    if not curves or not any(len(v) for v in curves.values()):
        raise ValueError("plot_history: 그릴 곡선이 없습니다 (empty history)")
    use_korean_font()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for name, values in curves.items():
        if name.endswith("loss") and len(values):
            ax.plot(
                range(1, len(values) + 1), values, marker=".", label=CURVE_LABELS.get(name, name)
            )
    ax.set_xlabel("에폭(epoch)")
    ax.set_ylabel("손실(loss)")
    ax.set_title(title)
    lines, labels = ax.get_legend_handles_labels()
    metric = [v for k, v in curves.items() if not k.endswith("loss") and len(v)]
    if metric:
        ax2 = ax.twinx()
        ax2.plot(
            range(1, len(metric[0]) + 1),
            metric[0],
            color="tab:green",
            marker=".",
            label="검증 지표",
        )
        ax2.set_ylabel("검증 지표(validation metric)")
        l2, lab2 = ax2.get_legend_handles_labels()
        lines, labels = lines + l2, labels + lab2
    ax.legend(lines, labels, loc="best")
    fig.tight_layout()
    return ax


def plot_series(
    values: Sequence[float] | np.ndarray,
    *,
    anomalies: Sequence[bool] | np.ndarray | None = None,
    index: Sequence | None = None,
    title: str = "",
    ylabel: str = "값",
    ax: Axes | None = None,
) -> Axes:
    """Plot a 1-D series, with points flagged in ``anomalies`` (same length) marked in red."""
    y = np.asarray(values, dtype=float).reshape(-1)
    use_korean_font()
    x = np.arange(len(y)) if index is None else np.asarray(index)
    if len(x) != len(y):
        raise ValueError(f"index 길이 {len(x)}와 values 길이 {len(y)}가 다릅니다")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3))
    ax.plot(x, y, lw=1, label="시계열")
    if anomalies is not None:
        mask = np.asarray(anomalies, dtype=bool).reshape(-1)
        if len(mask) != len(y):
            raise ValueError(f"anomalies 길이 {len(mask)}와 values 길이 {len(y)}가 다릅니다")
        ax.scatter(x[mask], y[mask], color="red", s=12, zorder=3, label="이상(anomaly)")
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend(loc="best")
    return ax


def plot_confusion_matrix(
    y_true: Sequence[int] | np.ndarray,
    y_pred: Sequence[int] | np.ndarray,
    class_names: Sequence[str],
    title: str = "혼동 행렬(confusion matrix)",
) -> tuple[Axes, np.ndarray]:
    """Plot the confusion matrix (rows: true class, columns: predicted) and return it too."""
    t = np.asarray(y_true).reshape(-1)
    p = np.asarray(y_pred).reshape(-1)
    k = len(class_names)
    if len(t) != len(p):
        raise ValueError(f"y_true ({len(t)})와 y_pred ({len(p)})의 길이가 다릅니다")
    if len(t) and (min(t.min(), p.min()) < 0 or max(t.max(), p.max()) >= k):
        raise ValueError(f"클래스 번호는 0..{k - 1} 이어야 합니다 (class_names가 {k}개)")
    matrix = np.zeros((k, k), dtype=int)
    np.add.at(matrix, (t, p), 1)
    use_korean_font()
    fig, ax = plt.subplots(figsize=(1.1 * k + 2, 1.1 * k + 1.5))
    ax.imshow(matrix, cmap="Blues")
    for i in range(k):
        for j in range(k):
            ax.text(
                j,
                i,
                str(matrix[i, j]),
                ha="center",
                va="center",
                color="white" if matrix[i, j] > matrix.max() / 2 else "black",
            )
    ax.set_xticks(range(k), class_names, rotation=45, ha="right")
    ax.set_yticks(range(k), class_names)
    ax.set_xlabel("예측 클래스")
    ax.set_ylabel("실제 클래스")
    ax.set_title(title)
    fig.tight_layout()
    return ax, matrix
