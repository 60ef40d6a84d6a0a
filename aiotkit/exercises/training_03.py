"""Exercise checkers for training/03 (regularization)."""

from __future__ import annotations

import torch
from torch import nn

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_not_using,
    expect_shape,
    expect_type,
    expect_unchanged,
    register,
)


def _models() -> list[tuple[str, nn.Module]]:
    with torch.random.fork_rng(devices=[]):
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
    for name, model in _models():
        with torch.no_grad():
            for p in model.parameters():  # 1차원 매개변수도 0이 아니게
                p.add_(0.1)
        before = {k: v.clone() for k, v in model.state_dict().items()}
        expected = sum(p.detach().abs().sum() for p in model.parameters() if p.ndim >= 2)
        got = l1_penalty(model)
        for key, value in model.state_dict().items():
            expect_unchanged(before[key], value, f"{name}의 매개변수 {key}")
        expect_type(got, "tensor", f"{name}의 L1 벌점 (.item()을 쓰면 backward 할 수 없습니다)")
        expect(got.ndim == 0, f"{name}: 0차원 텐서를 기대했는데 모양 {tuple(got.shape)}")
        expect_close(got, expected, f"{name}의 L1 벌점", atol=1e-4)
        expect(got.requires_grad, f"{name}: 결과가 그래프에 연결되어 있어야 합니다 (backward 가능)")
        model.zero_grad()
        got.backward()
        for pname, p in model.named_parameters():
            if p.ndim >= 2:
                expect_close(p.grad, p.detach().sign(), f"{name}.{pname}의 기울기 (sign(w))")


DROPOUT_RULE = "nn.Dropout, F.dropout 없이 무작위 마스크로 직접 만드세요"


@register("training/03", 2, "역 드롭아웃 (inverted_dropout)")
def _check_dropout(inverted_dropout) -> None:
    expect_not_using(
        inverted_dropout,
        {
            "dropout": "F.dropout",
            "Dropout": "nn.Dropout",
            "dropout_": "F.dropout_",
            "native_dropout": "torch.native_dropout",
            "alpha_dropout": "F.alpha_dropout",
        },
        DROPOUT_RULE,
    )

    def call(x: torch.Tensor, p: float, training: bool) -> torch.Tensor:
        copy = x.clone()
        out = inverted_dropout(copy, p, training)
        expect_unchanged(x, copy, f"p={p}, training={training}: 입력 x")
        expect_type(out, "tensor", f"p={p}, training={training}의 출력")
        expect_shape(out, tuple(x.shape), f"p={p}, training={training}의 출력")
        return out

    x = torch.randn(4, 5, generator=torch.Generator().manual_seed(0))
    expect_close(call(x, 0.5, False), x, "training=False일 때의 출력 (입력 그대로)")
    expect_close(call(x, 0.0, True), x, "p=0일 때의 출력 (입력 그대로)")
    expect_close(call(x, 1.0, True), torch.zeros_like(x), "p=1일 때의 출력 (모두 0, NaN 없이)")
    ones = torch.ones(200_000)
    for p in (0.2, 0.5, 0.8):
        out = call(ones, p, True)
        dropped = (out == 0).float().mean().item()
        expect(
            abs(dropped - p) < 0.01,
            f"p={p}: 0이 된 비율이 약 {p}여야 하는데 {dropped:.3f}입니다",
        )
        kept = out[out != 0]
        expect_close(kept.unique(), torch.tensor([1 / (1 - p)]), f"p={p}: 남은 값", atol=1e-5)
        expect(
            abs(out.mean().item() - 1.0) < 0.03,
            f"p={p}: 평균(기댓값)이 1로 보존되어야 하는데 {out.mean().item():.3f}입니다",
        )
    grid = torch.ones(1000, 4)
    masks = [call(grid, 0.5, True) != 0 for _ in range(2)]
    expect(
        not torch.equal(*masks),
        "학습 중에는 부를 때마다 다른 무작위 마스크를 써야 합니다",
    )
    expect(
        min(
            (masks[0] != masks[0][:, :1]).float().mean().item(),
            (masks[0] != masks[0][:1, :]).float().mean().item(),
        )
        > 0.2,
        "x (1000, 4): 원소마다 따로 0으로 만들어야 합니다 (행이나 열을 통째로 지우지 마세요)",
    )


def _augment(func, x: torch.Tensor, jitter_sigma: float, scale_sigma: float, seed: int):
    what = f"x {tuple(x.shape)}, jitter_sigma={jitter_sigma}, scale_sigma={scale_sigma}"
    copy = x.clone()
    out = func(copy, jitter_sigma, scale_sigma, torch.Generator().manual_seed(seed))
    expect_unchanged(x, copy, f"{what}: 입력 x")
    expect_type(out, "tensor", f"{what}의 출력")
    expect_shape(out, tuple(x.shape), f"{what}의 출력")
    return out, what


def _near(value: float, target: float, tolerance: float, what: str) -> None:
    expect(
        abs(value - target) <= tolerance,
        f"{what}: 기대한 값 약 {target:g} (허용 ±{tolerance:g}), 받은 값 {value:.4f}",
    )


@register("training/03", 3, "센서 배치 증강: 스케일링 + 지터 (augment_sensor_batch)")
def _check_augment(augment_sensor_batch) -> None:
    rng = torch.Generator().manual_seed(3)
    small = 1 + torch.rand(4, 3, 50, generator=rng)
    out, what = _augment(augment_sensor_batch, small, 0.0, 0.0, seed=0)
    expect_close(out, small, f"{what}: 증강 없음 (입력 그대로)")

    # 스케일링만: (샘플, 채널)마다 배율 하나, 시간에 따라 일정
    x = 1 + torch.rand(300, 6, 40, generator=rng)
    out, what = _augment(augment_sensor_batch, x, 0.0, 0.3, seed=1)
    ratio = out / x
    factors = ratio[..., 0]
    expect_close(
        ratio,
        factors[..., None].expand_as(ratio),
        f"{what}: 배율이 시간에 따라 일정해야 합니다",
        atol=1e-4,
    )
    _near(factors.mean().item(), 1.0, 0.05, f"{what}: 배율의 평균")
    _near(factors.std().item(), 0.3, 0.045, f"{what}: 배율의 표준편차")
    _near(factors.std(dim=1).mean().item(), 0.3, 0.06, f"{what}: 한 샘플 안에서 채널마다 다른 배율")
    _near(factors.std(dim=0).mean().item(), 0.3, 0.06, f"{what}: 한 채널에서 샘플마다 다른 배율")

    # 지터만: 원소마다 독립인 가우스 잡음
    out, what = _augment(augment_sensor_batch, x, 0.2, 0.0, seed=2)
    noise = out - x
    _near(noise.mean().item(), 0.0, 0.01, f"{what}: 잡음의 평균")
    _near(noise.std().item(), 0.2, 0.01, f"{what}: 잡음의 표준편차")
    _near(noise.std(dim=2).mean().item(), 0.2, 0.02, f"{what}: 시간에 따라 달라지는 잡음")
    _near(noise.std(dim=0).mean().item(), 0.2, 0.02, f"{what}: 샘플마다 다른 잡음")

    # 순서: 배율을 먼저 곱하고 잡음을 나중에 더하면, 0 신호의 잡음 크기는 배율과 무관합니다
    zeros = torch.zeros(40, 4, 2000)
    out, what = _augment(augment_sensor_batch, zeros, 0.2, 0.5, seed=3)
    row_std = out.std(dim=2)
    worst = (row_std - 0.2).abs().max().item()
    expect(
        worst < 0.03,
        f"{what}: 0 신호에서 (샘플, 채널)마다 잡음의 표준편차가 0.2여야 하는데 "
        f"{row_std.min().item():.3f}~{row_std.max().item():.3f}입니다 (배율 → 잡음 순서)",
    )

    # 무작위성은 모두 generator에서
    first, what = _augment(augment_sensor_batch, small, 0.1, 0.2, seed=7)
    again, _ = _augment(augment_sensor_batch, small, 0.1, 0.2, seed=7)
    other, _ = _augment(augment_sensor_batch, small, 0.1, 0.2, seed=8)
    expect(
        torch.equal(first, again),
        f"{what}: 같은 시드의 generator로 두 번 부르면 결과가 같아야 합니다 "
        "(무작위 수는 모두 generator로 뽑으세요)",
    )
    expect(not torch.equal(first, other), f"{what}: 다른 시드의 generator면 결과가 달라야 합니다")
