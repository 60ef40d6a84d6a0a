"""A small, explicit training loop: ``fit`` and ``evaluate``.

basics/04 writes this loop by hand; later notebooks call these so they stay about their lesson.
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader
from tqdm.auto import tqdm

from aiotkit.device import get_device

Metric = Callable[[torch.Tensor, torch.Tensor], float]

__all__ = ["History", "accuracy", "evaluate", "fit"]


def accuracy(outputs: torch.Tensor, targets: torch.Tensor) -> float:
    """Fraction of correct predictions.

    ``outputs`` of shape (batch, classes) are logits (argmax); of shape (batch,) or (batch, 1)
    they are single logits for binary targets (positive when > 0).
    """
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        predicted = outputs.argmax(dim=1)
    else:
        predicted = (outputs.reshape(-1) > 0).long()
        targets = targets.reshape(-1)
    if predicted.shape != targets.shape:
        raise ValueError(
            f"accuracy: 예측 {tuple(predicted.shape)}와 정답 {tuple(targets.shape)}의 모양이 다릅니다"
        )
    return (predicted == targets.long()).float().mean().item()


def _resolve_metric(metric: str | Metric | None) -> Metric | None:
    if metric is None or callable(metric):
        return metric
    if metric == "accuracy":
        return accuracy
    raise ValueError(f"metric은 'accuracy', 함수, 또는 None 이어야 합니다 (got {metric!r})")


def _check_loader(loader: object, name: str) -> None:
    if not isinstance(loader, DataLoader):
        raise TypeError(
            f"{name}은 torch.utils.data.DataLoader 여야 합니다 (got {type(loader).__name__})"
        )


@torch.no_grad()
def evaluate(
    model: nn.Module,
    loader: DataLoader,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    *,
    device: torch.device | str | None = None,
    metric: str | Metric | None = None,
) -> dict[str, float]:
    """Average loss (and metric) of ``model`` over ``loader`` in eval mode, without gradients.

    Returns:
        ``{"loss": ...}`` plus ``{"metric": ...}`` when a metric is given. Averages are
        weighted by batch size.
    """
    _check_loader(loader, "loader")
    metric_fn = _resolve_metric(metric)
    device = torch.device(device) if device is not None else get_device()
    model.eval()
    total_loss, total_metric, count = 0.0, 0.0, 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        outputs = model(inputs)
        batch = len(inputs)
        total_loss += loss_fn(outputs, targets).item() * batch
        if metric_fn is not None:
            total_metric += metric_fn(outputs, targets) * batch
        count += batch
    if count == 0:
        raise ValueError("evaluate: loader가 비어 있습니다 (empty loader)")
    result = {"loss": total_loss / count}
    if metric_fn is not None:
        result["metric"] = total_metric / count
    return result


@dataclass
class History:
    """Per-epoch record of a :func:`fit` run."""

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_metric: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    best_epoch: int | None = None  # 1-based epoch with the lowest validation loss
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        """Number of epochs actually run."""
        return len(self.train_loss)

    def as_dict(self) -> dict[str, list[float]]:
        """The curves as a dict of lists (for plotting or a DataFrame)."""
        curves = {"train_loss": self.train_loss, "val_loss": self.val_loss}
        if self.val_metric:
            curves["val_metric"] = self.val_metric
        return curves


def _atomic_save(obj: object, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def fit(
    model: nn.Module,
    train_loader: DataLoader,
    val_loader: DataLoader | None = None,
    *,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    epochs: int,
    device: torch.device | str | None = None,
    metric: str | Metric | None = None,
    scheduler: object | None = None,
    patience: int | None = None,
    checkpoint_path: str | Path | None = None,
    restore_best: bool = True,
    progress: bool = True,
) -> History:
    """Train ``model`` for up to ``epochs`` epochs, validating after each one.

    The loop is the one basics/04 writes by hand: ``model.train()`` → zero_grad → forward →
    loss → backward → step for every batch, then :func:`evaluate` on ``val_loader``.

    Args:
        scheduler: stepped once per epoch (``ReduceLROnPlateau`` gets the validation loss).
        patience: stop after this many epochs without a lower validation loss (early stopping).
        checkpoint_path: the best model's ``state_dict`` is saved there (atomically).
        restore_best: load the best weights back into ``model`` at the end.
        progress: show a tqdm.auto progress bar over epochs.

    Raises:
        ValueError: ``epochs`` < 1, ``patience`` < 1, or patience/checkpoints without a
            validation loader; a NaN/inf training loss (lower the learning rate).
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs는 1 이상의 정수여야 합니다 (got {epochs!r})")
    if patience is not None and patience < 1:
        raise ValueError(f"patience는 1 이상이어야 합니다 (got {patience})")
    if val_loader is None and (patience is not None or checkpoint_path is not None):
        raise ValueError("조기 종료(patience)와 체크포인트는 val_loader가 있어야 합니다")
    _check_loader(train_loader, "train_loader")
    if val_loader is not None:
        _check_loader(val_loader, "val_loader")
    device = torch.device(device) if device is not None else get_device()
    model.to(device)
    history = History()
    best_loss, best_state, waited = math.inf, None, 0
    # a manual bar (not tqdm(range(...))): breaking out of an iterated bar makes tqdm's generator
    # cleanup reset n to epoch - 1 and close it before the loop could finish it
    bar = tqdm(total=epochs, desc="에폭", disable=not progress, leave=True)
    for epoch in range(1, epochs + 1):
        model.train()
        running, seen = 0.0, 0
        for inputs, targets in train_loader:
            inputs, targets = inputs.to(device), targets.to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), targets)
            if not torch.isfinite(loss):
                raise ValueError(
                    f"에폭 {epoch}: 손실이 {loss.item()}입니다 (NaN/inf). 학습률을 낮추거나 입력 정규화를 확인하세요."
                )
            loss.backward()
            optimizer.step()
            running += loss.item() * len(inputs)
            seen += len(inputs)
        history.train_loss.append(running / max(seen, 1))
        history.lr.append(optimizer.param_groups[0]["lr"])
        postfix = {"train_loss": f"{history.train_loss[-1]:.4f}"}
        if val_loader is not None:
            result = evaluate(model, val_loader, loss_fn, device=device, metric=metric)
            history.val_loss.append(result["loss"])
            if "metric" in result:
                history.val_metric.append(result["metric"])
                postfix["val_metric"] = f"{result['metric']:.4f}"
            postfix["val_loss"] = f"{result['loss']:.4f}"
            if result["loss"] < best_loss:
                best_loss, waited, history.best_epoch = result["loss"], 0, epoch
                best_state = copy.deepcopy(model.state_dict())
                if checkpoint_path is not None:
                    _atomic_save(best_state, Path(checkpoint_path))
            else:
                waited += 1
        if scheduler is not None:
            if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
                if not history.val_loss:
                    raise ValueError("ReduceLROnPlateau는 val_loader가 필요합니다")
                scheduler.step(history.val_loss[-1])
            else:
                scheduler.step()
        bar.update(1)
        bar.set_postfix(postfix)
        if patience is not None and waited >= patience:
            history.stopped_early = True
            # a notebook bar closed before its total turns red ("danger") and reads as an error;
            # an early stop is a normal end, so finish the bar at the epoch reached
            bar.total = bar.n
            bar.refresh()
            break
    bar.close()
    if restore_best and best_state is not None:
        model.load_state_dict(best_state)
    return history
