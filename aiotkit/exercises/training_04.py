"""Exercise checkers for training/04 (learning-rate scheduling)."""

from __future__ import annotations

import math

import torch
from torch.optim import lr_scheduler

from aiotkit.exercises.core import expect, expect_close, expect_type, expect_unchanged, register


def _warmup_cosine(
    epoch: int, base_lr: float, warmup_epochs: int, total_epochs: int, min_lr: float = 0.0
) -> float:
    if epoch < warmup_epochs:
        return base_lr * (epoch + 1) / warmup_epochs
    if epoch >= total_epochs:
        return min_lr
    progress = (epoch - warmup_epochs) / (total_epochs - warmup_epochs)
    return min_lr + (base_lr - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))


def _expect_schedule(got: list[float], expected: list[float], what: str) -> None:
    """Compare per-epoch learning rates and name the first epoch that differs."""
    for epoch, (g, e) in enumerate(zip(got, expected, strict=True)):
        if not abs(g - e) <= 1e-9 + 1e-6 * abs(e):
            expect_close(g, e, f"{what}: 에폭 {epoch}의 학습률", atol=1e-9, rtol=1e-6)


def _past_end(total: int) -> list[int]:
    """Epochs 0..total-1 and well past the end (the cosine must not rise again)."""
    return list(range(total + total // 2 + 3))


@register("training/04", 1, "워밍업 + 코사인 학습률 함수 (warmup_cosine_lr)")
def _check_warmup_cosine(warmup_cosine_lr) -> None:
    for base_lr, warmup, total, min_lr in [
        (0.1, 5, 50, 0.0),
        (1e-3, 3, 20, 1e-5),
        (0.5, 0, 10, 0.0),
        (0.2, 1, 4, 0.01),
        (0.3, 4, 5, 0.05),
    ]:
        epochs = _past_end(total)
        settings = f"base_lr={base_lr}, warmup={warmup}, total={total}, min_lr={min_lr}"
        got = []
        for epoch in epochs:
            value = warmup_cosine_lr(epoch, base_lr, warmup, total, min_lr)
            expect_type(value, "float", f"{settings}, 에폭 {epoch}의 학습률")
            got.append(float(value))
        expected = [_warmup_cosine(e, base_lr, warmup, total, min_lr) for e in epochs]
        _expect_schedule(got, expected, settings)


@register("training/04", 2, "MultiStepLR을 식으로 (multistep_lr)")
def _check_multistep(multistep_lr) -> None:
    for base_lr, milestones, gamma, epochs in [
        (0.1, [3, 7], 0.1, 12),
        (1.0, [1, 2, 5], 0.5, 8),
        (0.05, [10], 0.3, 14),
        (0.2, [], 0.1, 3),
        (0.4, [0, 4], 0.5, 7),
    ]:
        param = torch.zeros(1, requires_grad=True)
        optimizer = torch.optim.SGD([param], lr=base_lr)
        scheduler = lr_scheduler.MultiStepLR(optimizer, milestones=milestones, gamma=gamma)
        expected = []
        for _ in range(epochs):
            expected.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step()
        settings = f"base_lr={base_lr}, milestones={milestones}, gamma={gamma}"
        got = []
        for epoch in range(epochs):
            given = list(milestones)
            value = multistep_lr(epoch, base_lr, given, gamma)
            expect_unchanged(list(milestones), given, f"{settings}: 에폭 {epoch}의 milestones")
            expect_type(value, "float", f"{settings}, 에폭 {epoch}의 학습률")
            got.append(float(value))
        _expect_schedule(got, expected, settings)


@register("training/04", 3, "LambdaLR 워밍업 + 코사인 스케줄러 (make_warmup_cosine_scheduler)")
def _check_scheduler(make_warmup_cosine_scheduler) -> None:
    for base_lrs, warmup, total in [
        ((0.1,), 4, 20),
        ((0.3, 0.01), 2, 10),
        ((1e-3,), 0, 6),
        ((0.5, 0.05, 0.2), 3, 4),
    ]:
        optimizer = torch.optim.SGD(
            [{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in base_lrs],
            lr=base_lrs[0],
        )
        scheduler = make_warmup_cosine_scheduler(optimizer, warmup, total)
        expect(
            isinstance(scheduler, lr_scheduler.LambdaLR),
            "torch.optim.lr_scheduler.LambdaLR을 반환해야 합니다 "
            f"(받은 값: {type(scheduler).__name__})",
        )
        epochs = _past_end(total)
        got = []
        for _ in epochs:
            got.append([group["lr"] for group in optimizer.param_groups])
            optimizer.step()
            scheduler.step()
        for index, base_lr in enumerate(base_lrs):
            expected = [_warmup_cosine(epoch, base_lr, warmup, total) for epoch in epochs]
            _expect_schedule(
                [row[index] for row in got],
                expected,
                f"그룹 {index} (기본 lr {base_lr}), warmup={warmup}, total={total}",
            )
