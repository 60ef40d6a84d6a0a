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
