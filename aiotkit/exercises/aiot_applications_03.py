"""Exercise checkers for aiot_applications/03 (model quantization and pruning)."""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn.utils import prune

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_equal,
    expect_shape,
    expect_type,
    expect_unchanged,
    register,
)


def _symmetric_reference(x: torch.Tensor, scale: float | None) -> tuple[torch.Tensor, float]:
    if scale is None:
        peak = x.abs().max().item()
        scale = peak / 127 if peak > 0 else 1.0
    q = torch.clamp(torch.round(x / scale), -127, 127).to(torch.int8)
    return q, scale


@register("aiot_applications/03", 1, "대칭 int8 양자화 (quantize_symmetric)")
def _check_quantize_symmetric(quantize_symmetric) -> None:
    g = torch.Generator().manual_seed(1)
    cases = [
        ("표준정규 50개", torch.randn(50, generator=g), None),
        (
            "큰 이상값(outlier) 하나",
            torch.cat([0.01 * torch.randn(20, generator=g), torch.tensor([8.0])]),
            None,
        ),
        (
            "2차원 가중치 (16, 8), 행마다 범위가 다름",
            torch.randn(16, 8, generator=g) * torch.arange(1.0, 17.0)[:, None],
            None,
        ),
        ("3차원 Conv 가중치 (4, 3, 5)", 0.2 * torch.randn(4, 3, 5, generator=g), None),
        ("음수만", -torch.rand(12, generator=g) - 0.5, None),
        ("모두 0", torch.zeros(6), None),
        ("모두 같은 양수 0.3", torch.full((5,), 0.3), None),
        ("scale=0.05가 주어짐, 모두 범위 안", 2.0 * torch.rand(30, generator=g) - 1.0, 0.05),
        ("scale=0.01이 주어짐, 범위 밖 값은 clamp", 3.0 * torch.randn(40, generator=g), 0.01),
        ("scale=0.02가 주어짐, (3, 4) 음수만", -4.0 * torch.rand(3, 4, generator=g), 0.02),
    ]
    for name, x, given in cases:
        before = x.clone()
        got = quantize_symmetric(x) if given is None else quantize_symmetric(x, given)
        expect(
            isinstance(got, tuple) and len(got) == 2,
            f"{name}: (q, scale) 두 값의 튜플을 반환해야 합니다 (받은 것: {type(got).__name__})",
        )
        q, scale = got
        expect_unchanged(before, x, f"{name}: x")
        expect_type(q, "tensor", f"{name}: q")
        expect_shape(q, tuple(x.shape), f"{name}: q")
        expect(
            q.dtype == torch.int8,
            f"{name}: q의 dtype은 torch.int8이어야 합니다 (받은 dtype: {q.dtype})",
        )
        expect_type(scale, "float", f"{name}: scale")
        expected_q, expected_scale = _symmetric_reference(before, given)
        expect(
            math.isfinite(scale) and scale > 0,
            f"{name}: scale은 양수여야 합니다 (받은 값: {scale}); 모두 0이면 1.0을 쓰세요",
        )
        rule = "주어진 scale 그대로" if given is not None else "max|x| / 127, 모두 0이면 1.0"
        expect_close(scale, expected_scale, f"{name}: scale ({rule})", rtol=1e-5, atol=1e-12)
        expect(
            int(q.min()) >= -127 and int(q.max()) <= 127,
            f"{name}: q는 -127…127 범위여야 합니다 (받은 범위: {int(q.min())}…{int(q.max())})",
        )
        expect_close(
            q, expected_q, f"{name}: q = clamp(round(x / scale), -127, 127)", atol=0, rtol=0
        )


@register("aiot_applications/03", 2, "크기 기준 가지치기 마스크 (magnitude_mask)")
def _check_magnitude_mask(magnitude_mask) -> None:
    g = torch.Generator().manual_seed(2)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(2)
        linear_weight = nn.Linear(6, 5).weight  # an nn.Parameter (requires_grad=True)
    cases = [
        ("(10, 10), 희소도 0.5", torch.randn(10, 10, generator=g), 0.5),
        ("(4, 3, 5) Conv 가중치, 희소도 0.28", torch.randn(4, 3, 5, generator=g), 0.28),
        ("길이 10, 희소도 0.28 (k = round(2.8) = 3)", torch.randn(10, generator=g), 0.28),
        ("길이 10, 희소도 0.37 (k = round(3.7) = 4)", torch.randn(10, generator=g), 0.37),
        ("(6, 4), 희소도 0.9", torch.randn(6, 4, generator=g), 0.9),
        ("nn.Linear(6, 5)의 weight (nn.Parameter), 희소도 0.4", linear_weight, 0.4),
        ("희소도 0 (아무것도 자르지 않음)", torch.randn(5, 5, generator=g), 0.0),
        ("희소도 1 (전부 자름)", torch.randn(3, 7, generator=g), 1.0),
    ]
    for name, weight, sparsity in cases:
        before = weight.detach().clone()
        expected = prune.L1Unstructured(amount=sparsity).compute_mask(
            before, default_mask=torch.ones_like(before)
        )
        got = magnitude_mask(weight, sparsity)
        expect_unchanged(before, weight.detach(), f"{name}: weight")
        expect_type(got, "tensor", f"{name}: 마스크")
        expect_shape(got, tuple(weight.shape), f"{name}: 마스크")
        expect(
            got.is_floating_point(),
            f"{name}: 마스크는 0.0/1.0의 실수 텐서여야 합니다 (받은 dtype: {got.dtype})",
        )
        got = got.detach()
        expect_equal(int((got == 0).sum()), int((expected == 0).sum()), f"{name}: 0인 위치의 개수")
        expect_close(got, expected, f"{name}: 마스크 (절댓값이 작은 위치가 0)", atol=0, rtol=0)


def _views_dict() -> dict[str, torch.Tensor]:
    big = torch.zeros(100)
    return {"head": big[:10], "matrix": torch.zeros(6, 8)[:, :3]}


@register("aiot_applications/03", 3, "state_dict의 원시 바이트 수 (state_dict_bytes)")
def _check_state_dict_bytes(state_dict_bytes) -> None:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(3)
        linear = nn.Linear(10, 5)
        conv = nn.Conv1d(3, 4, 5)
    cases = [
        ("nn.Linear(10, 5)의 state_dict (float32 55개)", linear.state_dict(), 220),
        ("nn.Conv1d(3, 4, 5)의 state_dict (float32 64개)", conv.state_dict(), 256),
        (
            "nn.BatchNorm1d(4)의 state_dict (float32 16개 + int64 스칼라 1개)",
            nn.BatchNorm1d(4).state_dict(),
            16 * 4 + 8,
        ),
        (
            "float32 (3, 4) + int8 (10,) + bfloat16 (5,) + int64 (2,)",
            {
                "w": torch.zeros(3, 4),
                "q": torch.zeros(10, dtype=torch.int8),
                "h": torch.zeros(5, dtype=torch.bfloat16),
                "n": torch.zeros(2, dtype=torch.int64),
            },
            48 + 10 + 10 + 16,
        ),
        (
            "float16 (7,) + bool (9,)",
            {"a": torch.zeros(7, dtype=torch.float16), "m": torch.ones(9, dtype=torch.bool)},
            14 + 9,
        ),
        ("0차원 스칼라 float64 하나", {"s": torch.tensor(1.0, dtype=torch.float64)}, 8),
        ("큰 텐서의 일부(view) 두 개: float32 10개 + (6, 3)", _views_dict(), 40 + 72),
        ("빈 state_dict", {}, 0),
    ]
    for name, state, expected in cases:
        got = state_dict_bytes(state)
        expect_type(got, "int", f"{name}: 바이트 수")
        expect_equal(int(got), expected, f"{name}: 바이트 수")
