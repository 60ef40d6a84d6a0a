"""Exercise checkers for basics/04 (training and validation loop)."""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_equal,
    expect_type,
    expect_unchanged,
    register,
)


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
        ([1.0, 1.1, 0.9, 1.0, 0.8, 0.85, 0.7], 2),  # waiting must restart after each new best
        ([0.9, 0.8, 0.85, 0.82, 0.81, 0.7, 0.75], 3),  # below the previous epoch, not the best
    ]
    for losses, patience in cases:
        expected = early_stopping_reference(losses, patience)
        argument = list(losses)
        what = f"val_losses={losses}, patience={patience}"
        got = early_stopping_epochs(argument, patience)
        expect_unchanged(losses, argument, f"{what}: 입력 목록 val_losses")
        expect(
            isinstance(got, tuple) and len(got) == 2,
            f"{what}: (stop_epoch, best_epoch) 튜플을 반환해야 합니다 (받은 값 {got!r})",
        )
        expect_type(got[0], "int", f"{what}: stop_epoch")
        expect_type(got[1], "int", f"{what}: best_epoch")
        expect_equal(
            (int(got[0]), int(got[1])), expected, f"{what}의 (stop_epoch, best_epoch) (1부터 셈)"
        )


class _ModeRecorder(nn.Module):
    """A small classifier with dropout that records the mode of each forward."""

    def __init__(self, in_features: int = 4, classes: int = 3) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_features, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, classes)
        )
        self.training_flags: list[bool] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.training_flags.append(self.training)
        return self.net(x)


class _SGD:
    """The update ``torch.optim.SGD(params, lr, momentum)`` makes, written out, counting steps.

    The checker uses it instead of torch.optim so that it stays fast in a fresh process
    (the first torch.optim optimizer of a process imports a lot); students only call
    ``zero_grad()`` and ``step()``.
    """

    def __init__(self, params, lr: float, momentum: float = 0.0) -> None:
        self.params = list(params)
        self.lr, self.momentum = lr, momentum
        self.buffers: list[torch.Tensor | None] = [None] * len(self.params)
        self.param_groups = [{"params": self.params, "lr": lr, "momentum": momentum}]
        self.steps = 0

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.params:
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    def step(self) -> None:
        self.steps += 1
        with torch.no_grad():
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


def _accumulate_reference(model, loader, loss_fn, optimizer, accum_steps) -> float:
    model.train()
    optimizer.zero_grad()
    total, count, batches = 0.0, 0, len(loader)
    for i, (inputs, targets) in enumerate(loader, start=1):
        loss = loss_fn(model(inputs), targets)
        (loss / accum_steps).backward()
        total += loss.item() * len(inputs)
        count += len(inputs)
        if i % accum_steps == 0 or i == batches:
            optimizer.step()
            optimizer.zero_grad()
    return total / count


def _accumulation_run(train_fn, accum_steps: int, momentum: float):
    generator = torch.Generator().manual_seed(0)
    inputs = torch.randn(50, 4, generator=generator)
    targets = torch.randint(0, 3, (50,), generator=generator)
    loader = DataLoader(TensorDataset(inputs, targets), batch_size=16)  # batches 16, 16, 16, 2
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1)
        model = _ModeRecorder()
        for p in model.parameters():  # gradients left over from before: zero them first
            p.grad = torch.full_like(p, 0.3)
        model.eval()  # the student's function must switch to training mode itself
        optimizer = _SGD(model.parameters(), lr=0.5, momentum=momentum)
        torch.manual_seed(2)  # same dropout masks for the student and the reference
        result = train_fn(model, loader, nn.CrossEntropyLoss(), optimizer, accum_steps)
    return model, optimizer, result


@register("basics/04", 2, "기울기 누적으로 한 에폭 학습 (train_accumulated)")
def _check_train_accumulated(train_accumulated) -> None:
    for accum_steps, momentum in ((3, 0.9), (2, 0.0), (1, 0.9), (5, 0.9)):
        model, optimizer, got = _accumulation_run(train_accumulated, accum_steps, momentum)
        reference, _, expected = _accumulation_run(_accumulate_reference, accum_steps, momentum)
        what = (
            f"accum_steps={accum_steps}, SGD(lr=0.5, momentum={momentum}), "
            "샘플 50개, 배치 16 (배치 4개, 처음 .grad가 0이 아님)"
        )
        expect_equal(len(model.training_flags), 4, f"{what}: 순전파 횟수 (배치마다 한 번)")
        expect(
            all(model.training_flags),
            f"{what}: 학습 중 모델이 train 모드가 아니었습니다. model.train()을 부르세요",
        )
        expect_equal(
            optimizer.steps,
            -(-4 // accum_steps),
            f"{what}: optimizer.step() 횟수 (accum_steps 배치마다 한 번, 남은 배치가 있으면 끝에 한 번 더)",
        )
        expect_type(got, "float", f"{what}: 평균 손실")
        for (name, p), q in zip(model.named_parameters(), reference.parameters(), strict=True):
            expect_close(p, q, f"{what}: 한 에폭 뒤 {name}", atol=1e-5)
        expect_close(
            got,
            expected,
            f"{what}: 반환한 평균 손실 (accum_steps로 나누기 전 손실의 샘플 수 가중 평균)",
            atol=1e-6,
        )


def _best_weights_reference(losses, patience, min_delta, max_epochs) -> tuple[int, int]:
    """(epochs trained, best epoch) of the rule with min_delta, on a scripted loss list."""
    best, best_epoch, waited = math.inf, 0, 0
    for epoch in range(1, max_epochs + 1):
        if losses[epoch - 1] < best - min_delta:
            best, best_epoch, waited = losses[epoch - 1], epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, best_epoch
    return max_epochs, best_epoch


class _Script:
    """``train_epoch(model)`` changes every parameter and buffer in place (as an optimizer
    and BatchNorm do); ``validate(model)`` returns the scripted loss of the epoch just trained."""

    def __init__(self, losses: list[float]) -> None:
        self.losses = losses
        self.trained = 0
        self.snapshots: list[dict[str, torch.Tensor]] = []

    def train_epoch(self, model: nn.Module) -> None:
        self.trained += 1
        with torch.no_grad():
            for p in model.parameters():
                p.add_(0.1 * self.trained)
            bn = model[1]
            bn.running_mean.add_(float(self.trained))
            bn.running_var.mul_(1.5)
            bn.num_batches_tracked += 1
        self.snapshots.append({k: v.clone() for k, v in model.state_dict().items()})

    def validate(self, model: nn.Module) -> float:
        return self.losses[min(max(self.trained, 1), len(self.losses)) - 1]


@register("basics/04", 3, "최고 가중치 복원과 min_delta (train_with_best_weights)")
def _check_train_with_best_weights(train_with_best_weights) -> None:
    cases = [  # (scripted validation losses, patience, min_delta, max_epochs)
        ([1.0, 0.8, 0.79, 0.78, 0.9, 0.7, 0.95, 1.0], 2, 0.05, 8),
        ([1.0, 0.9, 0.9, 0.9, 0.85, 0.84], 2, 0.0, 6),
        ([0.5, 0.6, 0.55, 0.7, 0.4, 0.3], 3, 0.01, 6),
        ([1.0, 0.97, 0.94, 0.91, 0.88, 0.85], 3, 0.05, 6),
        ([3.0, 2.5, 2.0, 1.5, 1.2, 1.1, 1.0, 0.9], 3, 0.0, 5),
        ([2.0, 1.0, 1.5, 1.4, 1.3, 1.2, 1.1, 0.5], 4, 0.02, 8),
    ]
    for losses, patience, min_delta, max_epochs in cases:
        stop, best = _best_weights_reference(losses, patience, min_delta, max_epochs)
        script = _Script(losses)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
        what = (
            f"검증 손실 {losses[:max_epochs]}, patience={patience}, "
            f"min_delta={min_delta}, max_epochs={max_epochs}"
        )
        if min_delta == 0.0:
            got = train_with_best_weights(
                model, script.train_epoch, script.validate, max_epochs, patience
            )
            what += " (min_delta는 기본값)"
        else:
            got = train_with_best_weights(
                model, script.train_epoch, script.validate, max_epochs, patience, min_delta
            )
        expect_equal(script.trained, stop, f"{what}: train_epoch를 부른 횟수 (멈춘 에폭)")
        expect_type(got, "int", f"{what}: 반환한 best_epoch")
        expect_equal(int(got), best, f"{what}: 반환한 best_epoch (1부터 셈)")
        state = model.state_dict()
        for key, value in script.snapshots[best - 1].items():
            last = torch.equal(state[key], script.snapshots[-1][key])
            expect(
                torch.equal(state[key], value),
                f"{what}: 함수가 끝난 뒤 넘겨받은 모델의 {key}가 최고 에폭({best}에폭) 뒤의 값이 "
                f"아닙니다{' (마지막 에폭의 값이 그대로 남아 있습니다)' if last else ''}",
            )
