"""Exercise checkers for basics/04 (training and validation loop)."""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from aiotkit.exercises.core import expect, expect_close, expect_equal, register


def early_stopping_reference(val_losses: list[float], patience: int) -> tuple[int, int]:
    """(stop epoch, best epoch), 1-based: stop after ``patience`` epochs without a new minimum."""
    best, best_epoch, waited = math.inf, 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


@register("basics/04", 1, "조기 종료 규칙 (early_stopping_epochs)")
def _check_early_stopping(early_stopping_epochs) -> None:
    cases = [
        ([1.0, 0.8, 0.9, 0.95], 2),
        ([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9, 0.5], 3),
        ([0.5, 0.6, 0.7], 2),
        ([3.0, 2.0, 1.0], 5),
        ([1.0, 0.9, 0.9, 0.9, 0.8], 2),
        ([1.0, 1.1, 1.2, 0.5, 0.6, 0.7, 0.8], 2),
        ([1.0, 1.1, 1.2, 0.5, 0.6, 0.7, 0.8], 3),
        ([0.3], 1),
        ([2.0, 1.0, 1.5, 0.9, 1.2, 1.3], 1),
    ]
    for losses, patience in cases:
        expected = early_stopping_reference(losses, patience)
        got = early_stopping_epochs(list(losses), patience)
        expect(
            isinstance(got, tuple) and len(got) == 2,
            f"val_losses={losses}, patience={patience}: (stop_epoch, best_epoch) 튜플을 반환해야 합니다 (got {got!r})",
        )
        expect_equal(
            (int(got[0]), int(got[1])),
            expected,
            f"val_losses={losses}, patience={patience}의 (stop_epoch, best_epoch) (1부터 셈)",
        )


class _ModeRecorder(nn.Module):
    """A small classifier with dropout that records the mode and grad state of each forward."""

    def __init__(self, in_features: int = 4, classes: int = 3) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_features, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, classes)
        )
        self.training_flags: list[bool] = []
        self.grad_flags: list[bool] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.training_flags.append(self.training)
        self.grad_flags.append(torch.is_grad_enabled())
        return self.net(x)


class _SGD:
    """The update ``torch.optim.SGD(params, lr, momentum)`` makes, written out.

    The checker uses it instead of torch.optim so that it stays fast in a fresh process
    (the first torch.optim optimizer of a process imports a lot); students only call
    ``zero_grad()`` and ``step()``.
    """

    def __init__(self, params, lr: float, momentum: float = 0.0) -> None:
        self.params = list(params)
        self.lr, self.momentum = lr, momentum
        self.buffers: list[torch.Tensor | None] = [None] * len(self.params)
        self.param_groups = [{"params": self.params, "lr": lr, "momentum": momentum}]

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.params:
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    @torch.no_grad()
    def step(self) -> None:
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            direction = p.grad
            if self.momentum:
                buffer = self.buffers[i]
                if buffer is None:
                    buffer = direction.clone()
                else:
                    buffer.mul_(self.momentum).add_(direction)
                self.buffers[i] = direction = buffer
            p.add_(direction, alpha=-self.lr)


def _train_reference(model, loader, loss_fn, optimizer) -> float:
    model.train()
    total, count = 0.0, 0
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(inputs)
        count += len(inputs)
    return total / count


def _training_run(train_fn, momentum: float):
    generator = torch.Generator().manual_seed(0)
    inputs = torch.randn(50, 4, generator=generator)
    targets = torch.randint(0, 3, (50,), generator=generator)
    loader = DataLoader(TensorDataset(inputs, targets), batch_size=16)  # batches 16, 16, 16, 2
    torch.manual_seed(1)
    model = _ModeRecorder()
    model.eval()  # the student's function must switch to training mode itself
    optimizer = _SGD(model.parameters(), lr=0.5, momentum=momentum)
    torch.manual_seed(2)  # same dropout masks for the student and the reference
    result = train_fn(model, loader, nn.CrossEntropyLoss(), optimizer)
    return model, result


@register("basics/04", 2, "한 에폭 학습 (train_one_epoch)")
def _check_train_one_epoch(train_one_epoch) -> None:
    for momentum in (0.0, 0.9):
        model, got = _training_run(train_one_epoch, momentum)
        reference, expected = _training_run(_train_reference, momentum)
        what = f"SGD(lr=0.5, momentum={momentum}), 샘플 50개, 배치 16"
        expect_equal(len(model.training_flags), 4, f"{what}: 순전파 횟수 (배치마다 한 번)")
        expect(
            all(model.training_flags),
            f"{what}: 학습 중 모델이 train 모드가 아니었습니다. model.train()을 부르세요",
        )
        expect(
            isinstance(got, (float, int)) and not isinstance(got, bool),
            f"{what}: 평균 손실은 파이썬 float이어야 합니다 (got {type(got).__name__}); .item()을 쓰세요",
        )
        for (name, p), q in zip(model.named_parameters(), reference.parameters(), strict=True):
            expect_close(p, q, f"{what}: 한 에폭 뒤 {name}", atol=1e-5)
        expect_close(got, expected, f"{what}: 반환한 평균 손실 (샘플 수로 가중 평균)", atol=1e-6)


@register("basics/04", 3, "정확도 평가 (evaluate_accuracy)")
def _check_evaluate_accuracy(evaluate_accuracy) -> None:
    # 3 classes; the model's Linear layer is the identity, so in eval mode it predicts argmax(x)
    generator = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 3, (50,), generator=generator)
    inputs = torch.nn.functional.one_hot(labels, 3).float() * 2.0 + 0.1 * torch.rand(
        50, 3, generator=generator
    )
    targets = labels.clone()
    targets[:8] = (targets[:8] + 1) % 3  # 8 wrong in full batches
    targets[48:] = (targets[48:] + 1) % 3  # the small last batch is all wrong
    expected = 40 / 50
    model = _ModeRecorder(3, 3)
    model.net = nn.Sequential(nn.Dropout(0.9), nn.Linear(3, 3))
    with torch.no_grad():
        model.net[1].weight.copy_(torch.eye(3))
        model.net[1].bias.zero_()
    model.train()  # the student's function must switch to evaluation mode itself
    loader = DataLoader(TensorDataset(inputs, targets), batch_size=16)  # batches 16, 16, 16, 2
    torch.manual_seed(0)
    got = evaluate_accuracy(model, loader)
    if isinstance(got, torch.Tensor):
        expect(got.numel() == 1, f"정확도는 숫자 하나여야 합니다 (got 모양 {tuple(got.shape)})")
        got = got.item()
    expect(
        isinstance(got, (float, int)) and not isinstance(got, bool),
        f"정확도는 float이어야 합니다 (got {type(got).__name__})",
    )
    expect(bool(model.training_flags), "모델을 한 번도 호출하지 않았습니다")
    expect(
        not any(model.training_flags),
        "평가 중 모델이 train 모드였습니다 (드롭아웃이 켜져 있음). model.eval()을 부르세요",
    )
    expect(
        not any(model.grad_flags),
        "평가 중 기울기 기록이 켜져 있었습니다. with torch.no_grad(): 안에서 평가하세요",
    )
    expect(
        abs(got - expected) <= 1e-6,
        f"샘플 50개(배치 16, 16, 16, 2)의 정확도: 기대한 값 {expected}, 받은 값 {got}. "
        "배치마다의 정확도를 평균하지 말고, (전체 맞힌 개수) / (전체 샘플 수)로 계산하세요",
    )
