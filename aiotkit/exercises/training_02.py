"""Exercise checkers for training/02 (loss functions)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_not_using,
    expect_type,
    expect_unchanged,
    register,
)


def _scalar_loss(got, what: str) -> None:
    expect_type(got, "tensor", what)
    expect(
        got.ndim == 0, f"{what}: 평균 손실 하나(0차원 텐서)를 기대했는데 모양 {tuple(got.shape)}"
    )
    expect(
        bool(torch.isfinite(got).all()),
        f"{what}: 손실이 {got.item()}입니다 — 큰 로짓에서도 유한해야 합니다",
    )


def _call_pure(func, inputs: dict[str, torch.Tensor], extra: tuple, what: str):
    copies = {name: value.clone() for name, value in inputs.items()}
    got = func(*copies.values(), *extra)
    for name, value in inputs.items():
        expect_unchanged(value, copies[name], f"{what}: 입력 {name}")
    return got


HUBER_RULE = "nn.HuberLoss, F.huber_loss, F.smooth_l1_loss 없이 torch.where로 직접 만드세요"


@register("training/02", 1, "Huber 손실 손으로 구현하기 (huber_loss)")
def _check_huber(huber_loss) -> None:
    expect_not_using(
        huber_loss,
        {
            "huber_loss": "F.huber_loss",
            "HuberLoss": "nn.HuberLoss",
            "smooth_l1_loss": "F.smooth_l1_loss",
            "SmoothL1Loss": "nn.SmoothL1Loss",
        },
        HUBER_RULE,
    )
    generator = torch.Generator().manual_seed(0)
    cases = [
        (torch.tensor([0.0, 0.5, 3.0, -4.0]), torch.zeros(4), 1.0),
        (3 * torch.randn(20, generator=generator), torch.randn(20, generator=generator), 1.0),
        (3 * torch.randn(4, 5, generator=generator), torch.zeros(4, 5), 2.5),
        (torch.tensor([0.1, -0.2]), torch.tensor([0.0, 0.0]), 0.5),
        (torch.tensor([[-2.0, 5.0], [1.0, -0.3]]), torch.tensor([[1.0, 1.0], [1.5, 0.7]]), 0.8),
    ]
    for pred, target, delta in cases:
        what = f"pred {tuple(pred.shape)} {pred.flatten()[:4].tolist()}..., delta={delta}"
        got = _call_pure(huber_loss, {"pred": pred, "target": target}, (delta,), what)
        _scalar_loss(got, what)
        expected = F.huber_loss(pred, target, delta=delta)
        expect_close(got, expected, f"{what}의 Huber 손실", atol=1e-5)


def _focal(logits: torch.Tensor, targets: torch.Tensor, gamma: float, alpha) -> torch.Tensor:
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    loss = (1 - torch.exp(-ce)) ** gamma * ce
    if alpha is not None:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return loss.mean()


@register("training/02", 2, "이진 초점 손실 (focal_loss)")
def _check_focal(focal_loss) -> None:
    generator = torch.Generator().manual_seed(1)
    random_logits = 4 * torch.randn(30, generator=generator)
    random_targets = (torch.rand(30, generator=generator) < 0.3).float()
    grid_logits = torch.randn(3, 8, generator=generator)
    grid_targets = (torch.rand(3, 8, generator=generator) < 0.5).float()
    cases = [
        (random_logits, random_targets, 2.0, None),
        (random_logits, random_targets, 2.0, 0.25),
        (random_logits, random_targets, 0.0, None),
        (random_logits, random_targets, 1.0, 0.75),
        (grid_logits, grid_targets, 3.0, 0.4),
        (torch.tensor([100.0, -100.0, 30.0, -30.0]), torch.tensor([0.0, 1.0, 1.0, 0.0]), 2.0, 0.25),
    ]
    for logits, targets, gamma, alpha in cases:
        what = f"로짓 {tuple(logits.shape)} {logits.flatten()[:4].tolist()}..., gamma={gamma}, alpha={alpha}"
        got = _call_pure(focal_loss, {"logits": logits, "targets": targets}, (gamma, alpha), what)
        _scalar_loss(got, what)
        expect_close(got, _focal(logits, targets, gamma, alpha), f"{what}의 초점 손실", atol=1e-5)


SMOOTH_RULE = (
    "F.cross_entropy, nn.CrossEntropyLoss, log_softmax(F.·torch.·텐서 메서드·nn.LogSoftmax), "
    "F.nll_loss 없이 로그 확률을 직접 계산하세요"
)


@register("training/02", 3, "레이블 스무딩 교차 엔트로피 (label_smoothing_cross_entropy)")
def _check_label_smoothing(label_smoothing_cross_entropy) -> None:
    expect_not_using(
        label_smoothing_cross_entropy,
        {
            "cross_entropy": "F.cross_entropy",
            "CrossEntropyLoss": "nn.CrossEntropyLoss",
            "log_softmax": "log_softmax",
            "LogSoftmax": "nn.LogSoftmax",
            "nll_loss": "F.nll_loss",
            "NLLLoss": "nn.NLLLoss",
        },
        SMOOTH_RULE,
    )
    generator = torch.Generator().manual_seed(2)
    cases = [
        (torch.randn(6, 4, generator=generator), torch.tensor([0, 1, 2, 3, 0, 1]), 0.1),
        (torch.randn(6, 4, generator=generator), torch.tensor([3, 1, 2, 0, 0, 1]), 0.0),
        (
            5 * torch.randn(10, 3, generator=generator),
            torch.randint(0, 3, (10,), generator=generator),
            0.3,
        ),
        (
            2 * torch.randn(5, 10, generator=generator),
            torch.randint(0, 10, (5,), generator=generator),
            0.2,
        ),
        # 행마다 최댓값이 아주 다른 큰 로짓
        (
            torch.tensor([[1000.0, 0.0, -1000.0], [-1000.0, -998.0, -1003.0], [5.0, 7.0, 6.0]]),
            torch.tensor([0, 2, 1]),
            0.1,
        ),
        (torch.zeros(1, 5), torch.tensor([4]), 0.5),
    ]
    for logits, targets, smoothing in cases:
        what = (
            f"로짓 {tuple(logits.shape)} {logits[0].tolist()}..., 정답 {targets.tolist()}, "
            f"smoothing={smoothing}"
        )
        got = _call_pure(
            label_smoothing_cross_entropy,
            {"logits": logits, "targets": targets},
            (smoothing,),
            what,
        )
        _scalar_loss(got, what)
        expected = F.cross_entropy(logits, targets, label_smoothing=smoothing)
        expect_close(got, expected, f"{what}의 손실", atol=1e-4)
