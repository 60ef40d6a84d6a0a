import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from aiotkit import seed_everything
from aiotkit.train import History, accuracy, evaluate, fit


def _toy(n=200, seed=0):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 2, generator=generator)
    y = (x[:, 0] + x[:, 1] > 0).long()
    return DataLoader(TensorDataset(x, y), batch_size=32, shuffle=False)


def test_accuracy_multiclass_and_binary():
    logits = torch.tensor([[2.0, 0.0], [0.0, 1.0], [3.0, 1.0]])
    assert accuracy(logits, torch.tensor([0, 1, 1])) == pytest.approx(2 / 3)
    assert accuracy(torch.tensor([1.0, -1.0]), torch.tensor([1, 0])) == 1.0
    with pytest.raises(ValueError):
        accuracy(logits, torch.tensor([0, 1]))


def test_fit_learns_and_records_history(tmp_path):
    seed_everything(0)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
    ckpt = tmp_path / "best.pt"
    history = fit(
        model,
        _toy(),
        _toy(seed=1),
        loss_fn=nn.CrossEntropyLoss(),
        optimizer=torch.optim.Adam(model.parameters(), lr=0.05),
        epochs=15,
        device="cpu",
        metric="accuracy",
        checkpoint_path=ckpt,
        progress=False,
    )
    assert isinstance(history, History) and history.epochs == 15
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.val_metric[-1] > 0.9
    assert ckpt.is_file() and not (tmp_path / "best.pt.tmp").exists()
    best = torch.load(ckpt, weights_only=True)
    assert all(torch.equal(best[k], v) for k, v in model.state_dict().items())  # restored best
    result = evaluate(model, _toy(seed=1), nn.CrossEntropyLoss(), device="cpu", metric="accuracy")
    assert result["loss"] == pytest.approx(min(history.val_loss), rel=1e-5)


def _fit_that_stalls(**fit_kwargs):
    """Fit with lr=0: the validation loss never improves, so patience=3 stops after epoch 4."""
    seed_everything(0)
    model = nn.Linear(2, 2)
    return fit(
        model,
        _toy(),
        _toy(seed=1),
        loss_fn=nn.CrossEntropyLoss(),
        optimizer=torch.optim.SGD(model.parameters(), lr=0.0),
        epochs=50,
        device="cpu",
        patience=3,
        **fit_kwargs,
    )


def test_fit_early_stopping():
    history = _fit_that_stalls(progress=False)
    assert history.stopped_early and history.epochs == 4 and history.best_epoch == 1


def test_fit_early_stop_leaves_a_finished_bar(monkeypatch):
    # the notebook bar (tqdm.auto in Jupyter) turns red ("danger") when closed before its total
    from tqdm.notebook import tqdm as notebook_tqdm

    bars = []

    def recording_tqdm(*args, **kwargs):
        bar = notebook_tqdm(*args, **kwargs)
        bars.append(bar)
        return bar

    monkeypatch.setattr("aiotkit.train.tqdm", recording_tqdm)
    history = _fit_that_stalls()  # progress bar on (the default)
    assert history.stopped_early and history.epochs == 4
    (bar,) = bars
    assert bar.n == bar.total == 4  # (close() sets disable; a disabled bar has no container)
    assert bar.container.children[1].bar_style != "danger"


def test_fit_with_scheduler_records_lr():
    model = nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    history = fit(
        model,
        _toy(),
        loss_fn=nn.CrossEntropyLoss(),
        optimizer=opt,
        epochs=3,
        device="cpu",
        scheduler=sched,
        progress=False,
    )
    assert history.lr == [1.0, 0.5, 0.25]


def test_fit_bad_arguments():
    model = nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    common = {
        "loss_fn": nn.CrossEntropyLoss(),
        "optimizer": opt,
        "device": "cpu",
        "progress": False,
    }
    with pytest.raises(ValueError, match="epochs"):
        fit(model, _toy(), epochs=0, **common)
    with pytest.raises(ValueError, match="val_loader"):
        fit(model, _toy(), epochs=1, patience=2, **common)
    with pytest.raises(TypeError, match="DataLoader"):
        fit(model, [(torch.zeros(1, 2), torch.zeros(1))], epochs=1, **common)
    with pytest.raises(ValueError, match="metric"):
        evaluate(model, _toy(), nn.CrossEntropyLoss(), device="cpu", metric="f1")


def test_fit_rejects_nan_loss():
    model = nn.Linear(2, 1)
    x = torch.tensor([[float("nan"), 1.0]])
    loader = DataLoader(TensorDataset(x, torch.zeros(1, 1)), batch_size=1)
    with pytest.raises(ValueError, match="NaN"):
        fit(
            model,
            loader,
            loss_fn=nn.MSELoss(),
            optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
            epochs=1,
            device="cpu",
            progress=False,
        )


def test_evaluate_empty_loader():
    empty = DataLoader(TensorDataset(torch.zeros(0, 2), torch.zeros(0).long()), batch_size=4)
    with pytest.raises(ValueError, match="empty"):
        evaluate(nn.Linear(2, 2), empty, nn.CrossEntropyLoss(), device="cpu")
