from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from aiotkit.plot import plot_confusion_matrix, plot_history, plot_series
from aiotkit.train import History


def teardown_function():
    plt.close("all")


def test_plot_history_from_history_and_dict():
    history = History(train_loss=[1.0, 0.5], val_loss=[1.1, 0.7], val_metric=[0.5, 0.8])
    ax = plot_history(history)
    assert ax.get_xlabel() == "에폭(epoch)" and len(ax.get_lines()) == 2
    plot_history({"train_loss": [1, 2]})
    with pytest.raises(ValueError):
        plot_history({})


def test_plot_series_marks_anomalies():
    values = np.arange(10.0)
    mask = np.zeros(10, bool)
    mask[[2, 5]] = True
    ax = plot_series(values, anomalies=mask, title="t")
    assert ax.collections[0].get_offsets().shape == (2, 2)
    with pytest.raises(ValueError):
        plot_series(values, anomalies=mask[:5])


def test_plot_confusion_matrix_counts():
    _, matrix = plot_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], ["a", "b", "c"])
    assert matrix.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    with pytest.raises(ValueError):
        plot_confusion_matrix([0, 3], [0, 1], ["a", "b"])
    with pytest.raises(ValueError):
        plot_confusion_matrix([0], [0, 1], ["a", "b"])


def test_korean_font_renders_hangul_without_warnings(tmp_path):
    """A Hangul title, axis labels and legend render with the bundled font, warnings as errors."""
    import warnings

    from matplotlib import font_manager

    from aiotkit.plot import KOREAN_FONT_PATH, use_korean_font

    assert KOREAN_FONT_PATH.is_file() and (KOREAN_FONT_PATH.parent / "OFL.txt").is_file()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        use_korean_font()
        use_korean_font()  # idempotent
        assert plt.rcParams["font.family"] == ["DejaVu Sans", "NanumGothic"]
        fig, ax = plt.subplots()
        ax.plot([1.0, 2.0, 3.0], [1e-3, 1e-1, 10.0], label="검증 손실(val loss)")
        ax.set_yscale("log")  # tick labels 10^{-3}: math text with U+2212
        ax.set_title("학습 곡선 −0.5")
        ax.set_xlabel("에폭(epoch)")
        ax.legend()
        fig.savefig(tmp_path / "korean.png")
    fonts = font_manager.fontManager._find_fonts_by_props(
        font_manager.FontProperties(family=plt.rcParams["font.family"])
    )
    assert [Path(f).name for f in fonts] == ["DejaVuSans.ttf", "NanumGothic.ttf"]


def test_korean_font_is_needed_for_hangul(tmp_path):
    """Without the font matplotlib's default cannot draw Hangul: the test above proves something."""
    import warnings

    with plt.rc_context({"font.family": ["DejaVu Sans"]}):
        fig, ax = plt.subplots()
        ax.set_title("학습 곡선")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.savefig(tmp_path / "tofu.png")
    assert any("missing from font" in str(w.message) for w in caught)


def test_use_korean_font_missing_file(tmp_path):
    from aiotkit.plot import use_korean_font

    with pytest.raises(FileNotFoundError, match="글꼴 파일이 없습니다"):
        use_korean_font(tmp_path / "nope.ttf")
