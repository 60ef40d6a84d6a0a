"""Exercise checkers for training/03 (regularization)."""

from __future__ import annotations

import torch
from torch import nn

from aiotkit.exercises.basics_04 import early_stopping_reference
from aiotkit.exercises.core import expect, expect_close, expect_equal, register


def _models() -> list[tuple[str, nn.Module]]:
    torch.manual_seed(0)
    return [
        ("Linear(3, 4)", nn.Linear(3, 4)),
        (
            "Linear-BatchNorm1d-Linear",
            nn.Sequential(nn.Linear(5, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 2)),
        ),
        ("Conv1d-LayerNorm", nn.Sequential(nn.Conv1d(2, 3, 3), nn.LayerNorm(4))),
    ]


@register("training/03", 1, "L1 벌점 (l1_penalty)")
def _check_l1(l1_penalty) -> None:
    with torch.random.fork_rng():
        models = _models()
    for name, model in models:
        for p in model.parameters():  # 1차원 매개변수도 0이 아니게
            with torch.no_grad():
                p.add_(0.1)
        expected = sum(p.detach().abs().sum() for p in model.parameters() if p.ndim >= 2)
        got = l1_penalty(model)
        expect(
            isinstance(got, torch.Tensor),
            f"{name}: 텐서를 반환해야 합니다 (got {type(got).__name__}) — .item()을 쓰면 backward 할 수 없습니다",
        )
        expect_close(got.reshape(()), expected, f"{name}의 L1 벌점", atol=1e-4)
        expect(got.requires_grad, f"{name}: 결과가 그래프에 연결되어 있어야 합니다 (backward 가능)")
        model.zero_grad()
        got.reshape(()).backward()
        for pname, p in model.named_parameters():
            if p.ndim >= 2:
                expect_close(p.grad, p.detach().sign(), f"{name}.{pname}의 기울기 (sign(w))")


@register("training/03", 2, "역 드롭아웃 (inverted_dropout)")
def _check_dropout(inverted_dropout) -> None:
    with torch.random.fork_rng():
        torch.manual_seed(0)
        x = torch.randn(4, 5)
        got = inverted_dropout(x.clone(), 0.5, False)
        expect_close(got, x, "training=False일 때의 출력 (입력 그대로)")
        got = inverted_dropout(x.clone(), 0.0, True)
        expect_close(got, x, "p=0일 때의 출력 (입력 그대로)")
        got = inverted_dropout(x.clone(), 1.0, True)
        expect_close(got, torch.zeros_like(x), "p=1일 때의 출력 (모두 0, NaN 없이)")
        ones = torch.ones(200_000)
        for p in (0.2, 0.5, 0.8):
            out = inverted_dropout(ones.clone(), p, True)
            expect(
                isinstance(out, torch.Tensor) and out.shape == ones.shape,
                f"p={p}: 입력과 같은 모양의 텐서를 반환해야 합니다",
            )
            dropped = (out == 0).float().mean().item()
            expect(
                abs(dropped - p) < 0.01,
                f"p={p}: 0이 된 비율이 약 {p}여야 하는데 {dropped:.3f}입니다",
            )
            kept = out[out != 0]
            expect_close(
                kept.unique(),
                torch.tensor([1 / (1 - p)]),
                f"p={p}: 남은 값 (1/(1-p)배)",
                atol=1e-5,
            )
            expect(
                abs(out.mean().item() - 1.0) < 0.03,
                f"p={p}: 평균(기댓값)이 1로 보존되어야 하는데 {out.mean().item():.3f}입니다",
            )
        twice = (
            inverted_dropout(ones[:1000].clone(), 0.5, True),
            inverted_dropout(ones[:1000].clone(), 0.5, True),
        )
        expect(
            not torch.equal(*twice),
            "학습 중에는 부를 때마다 다른 무작위 마스크를 써야 합니다",
        )


@register("training/03", 3, "조기 종료 규칙 (early_stopping)")
def _check_early_stopping(early_stopping) -> None:
    cases = [
        ([1.0, 0.8, 0.9, 0.85, 0.7], 2),
        ([1.0, 0.8, 0.9, 0.85, 0.7], 3),
        ([3.0, 2.0, 1.0, 0.5], 1),
        ([0.5, 0.5, 0.5, 0.5], 2),
        ([1.0, 0.9, 0.9, 0.8, 0.95, 0.96, 0.97, 0.5], 3),
        ([2.0], 5),
        ([1.0, 1.1, 1.2, 0.9, 1.3, 1.4, 1.5, 1.6], 4),
    ]
    for losses, patience in cases:
        got = early_stopping(list(losses), patience)
        expect(
            isinstance(got, tuple) and len(got) == 2,
            "(stop_epoch, best_epoch) 두 값의 튜플을 반환해야 합니다",
        )
        expect_equal(
            tuple(int(v) for v in got),
            early_stopping_reference(losses, patience),
            f"val_losses={losses}, patience={patience}의 (stop_epoch, best_epoch)",
        )
