"""Exercise checkers for training/02 (loss functions)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
import torch.nn.functional as F

from aiotkit.exercises.core import CheckFailed, expect, expect_close, register


@contextlib.contextmanager
def _forbidden(module: object, names: list[str], task: str) -> Iterator[None]:
    """Temporarily replace ``module.<name>`` so that calling it fails the check."""
    saved = {name: getattr(module, name) for name in names}

    def make(name: str):
        def refuse(*args, **kwargs):
            raise CheckFailed(f"{task}: {name} 함수를 쓰지 말고 직접 계산하세요")

        return refuse

    try:
        for name in names:
            setattr(module, name, make(name))
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)


def _huber(pred: torch.Tensor, target: torch.Tensor, delta: float) -> torch.Tensor:
    return F.huber_loss(pred, target, delta=delta)


def _focal(logits: torch.Tensor, targets: torch.Tensor, gamma: float, alpha) -> torch.Tensor:
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    loss = (1 - torch.exp(-ce)) ** gamma * ce
    if alpha is not None:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return loss.mean()


@register("training/02", 1, "Huber 손실 손으로 구현하기 (huber_loss)")
def _check_huber(huber_loss) -> None:
    generator = torch.Generator().manual_seed(0)
    cases = [
        (torch.tensor([0.0, 0.5, 3.0, -4.0]), torch.zeros(4), 1.0),
        (3 * torch.randn(20, generator=generator), torch.randn(20, generator=generator), 1.0),
        (3 * torch.randn(4, 5, generator=generator), torch.zeros(4, 5), 2.5),
        (torch.tensor([0.1, -0.2]), torch.tensor([0.0, 0.0]), 0.5),
    ]
    for pred, target, delta in cases:
        expected = _huber(pred, target, delta)
        with _forbidden(F, ["huber_loss", "smooth_l1_loss"], "실습 1"):
            got = huber_loss(pred.clone(), target.clone(), delta)
        expect(
            isinstance(got, torch.Tensor) and got.ndim == 0,
            f"delta={delta}: 평균 손실 하나(0차원 텐서)를 반환해야 합니다 (got {got!r:.60})",
        )
        expect_close(
            got, expected, f"pred {tuple(pred.shape)}, delta={delta}의 Huber 손실", atol=1e-5
        )


@register("training/02", 2, "이진 초점 손실 (focal_loss)")
def _check_focal(focal_loss) -> None:
    generator = torch.Generator().manual_seed(1)
    random_logits = 4 * torch.randn(30, generator=generator)
    random_targets = (torch.rand(30, generator=generator) < 0.3).float()
    cases = [
        (random_logits, random_targets, 2.0, None),
        (random_logits, random_targets, 2.0, 0.25),
        (random_logits, random_targets, 0.0, None),
        (random_logits, random_targets, 1.0, 0.75),
        (torch.tensor([100.0, -100.0, 30.0, -30.0]), torch.tensor([0.0, 1.0, 1.0, 0.0]), 2.0, 0.25),
    ]
    for logits, targets, gamma, alpha in cases:
        got = focal_loss(logits.clone(), targets.clone(), gamma, alpha)
        expect(
            isinstance(got, torch.Tensor) and got.numel() == 1,
            f"gamma={gamma}, alpha={alpha}: 평균 손실 하나(텐서)를 반환해야 합니다",
        )
        expect(
            bool(torch.isfinite(got).all()),
            f"로짓 {logits[:4].tolist()}에서 손실이 {got.item()}입니다 — 큰 로짓에서도 유한해야 합니다",
        )
        expect_close(
            got.reshape(()),
            _focal(logits, targets, gamma, alpha),
            f"gamma={gamma}, alpha={alpha}, 로짓 {logits[:4].tolist()}... 의 초점 손실",
            atol=1e-5,
        )


@register("training/02", 3, "안정한 교차 엔트로피 (cross_entropy_from_logits)")
def _check_cross_entropy(cross_entropy_from_logits) -> None:
    generator = torch.Generator().manual_seed(2)
    cases = [
        (torch.randn(6, 4, generator=generator), torch.tensor([0, 1, 2, 3, 0, 1])),
        (
            5 * torch.randn(10, 3, generator=generator),
            torch.randint(0, 3, (10,), generator=generator),
        ),
        (torch.tensor([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 999.0]]), torch.tensor([0, 2])),
        (torch.zeros(1, 5), torch.tensor([4])),
    ]
    for logits, targets in cases:
        expected = F.cross_entropy(logits, targets)
        with (
            _forbidden(F, ["cross_entropy", "log_softmax", "nll_loss"], "실습 3"),
            _forbidden(torch, ["log_softmax"], "실습 3"),
        ):
            got = cross_entropy_from_logits(logits.clone(), targets.clone())
        expect(
            isinstance(got, torch.Tensor) and got.numel() == 1,
            "평균 손실 하나(텐서)를 반환해야 합니다",
        )
        expect(
            bool(torch.isfinite(got).all()),
            f"로짓 {logits[0].tolist()}... 에서 손실이 {got.item()}입니다 — 넘침(overflow) 없이 유한해야 합니다",
        )
        expect_close(
            got.reshape(()),
            expected,
            f"로짓 {tuple(logits.shape)}, 정답 {targets.tolist()}의 교차 엔트로피",
            atol=1e-4,
        )
