"""Exercise checkers for aiot_applications/03 (model quantization and pruning)."""

from __future__ import annotations

import math

import torch
from torch.nn.utils import prune

from aiotkit.exercises.core import expect, expect_close, expect_equal, expect_shape, register


def _symmetric_reference(x: torch.Tensor) -> tuple[torch.Tensor, float]:
    peak = x.abs().max().item() if x.numel() else 0.0
    scale = peak / 127 if peak > 0 else 1.0
    q = torch.clamp(torch.round(x / scale), -127, 127).to(torch.int8)
    return q, scale


@register("aiot_applications/03", 1, "대칭 int8 양자화 (quantize_symmetric)")
def _check_quantize_symmetric(quantize_symmetric) -> None:
    generator = torch.Generator().manual_seed(3)
    cases = [
        ("표준정규 50개", torch.randn(50, generator=generator)),
        (
            "큰 이상값(outlier) 하나",
            torch.cat([0.01 * torch.randn(20, generator=generator), torch.tensor([8.0])]),
        ),
        ("2차원 가중치 (16, 8)", 0.2 * torch.randn(16, 8, generator=generator)),
        ("음수만", -torch.rand(12, generator=generator) - 0.5),
        ("모두 0", torch.zeros(6)),
    ]
    for name, x in cases:
        before = x.clone()
        got = quantize_symmetric(x)
        expect(
            isinstance(got, tuple) and len(got) == 2,
            f"{name}: (q, scale) 두 값의 튜플을 반환해야 합니다 (got {type(got).__name__})",
        )
        q, scale = got
        expect_shape(q, tuple(x.shape), f"{name}: q")
        expect(
            q.dtype == torch.int8, f"{name}: q의 dtype은 torch.int8 이어야 합니다 (got {q.dtype})"
        )
        scale = float(scale)
        expected_q, expected_scale = _symmetric_reference(before)
        expect(
            math.isfinite(scale) and scale > 0,
            f"{name}: scale은 양수여야 합니다 (got {scale}); 모두 0이면 1.0을 쓰세요",
        )
        expect_close(scale, expected_scale, f"{name}: scale (max|x| / 127)", rtol=1e-5, atol=1e-9)
        expect(
            int(q.min()) >= -127 and int(q.max()) <= 127,
            f"{name}: q는 -127…127 범위여야 합니다 (got {int(q.min())}…{int(q.max())})",
        )
        expect_close(q, expected_q, f"{name}: q = clamp(round(x / scale), -127, 127)", atol=0)
        error = (q.float() * scale - before).abs().max().item()
        expect(
            error <= scale / 2 + 1e-6,
            f"{name}: 복원 오차 {error:.3g}가 scale/2 = {scale / 2:.3g}보다 큽니다 (반올림했나요?)",
        )
        expect(torch.equal(x, before), f"{name}: 입력 x를 바꾸면 안 됩니다")


@register("aiot_applications/03", 2, "크기 기준 가지치기 마스크 (magnitude_mask)")
def _check_magnitude_mask(magnitude_mask) -> None:
    generator = torch.Generator().manual_seed(4)
    cases = [
        ("(10, 10), 희소도 0.5", torch.randn(10, 10, generator=generator), 0.5),
        ("(4, 3, 5) Conv 가중치, 희소도 0.28", torch.randn(4, 3, 5, generator=generator), 0.28),
        ("길이 10, 희소도 0.28 (k = round(2.8) = 3)", torch.randn(10, generator=generator), 0.28),
        ("(6, 4), 희소도 0.9", torch.randn(6, 4, generator=generator), 0.9),
        ("희소도 0 (아무것도 자르지 않음)", torch.randn(5, 5, generator=generator), 0.0),
        ("희소도 1 (전부 자름)", torch.randn(3, 7, generator=generator), 1.0),
    ]
    for name, weight, sparsity in cases:
        before = weight.clone()
        expected = prune.L1Unstructured(amount=sparsity).compute_mask(
            before, default_mask=torch.ones_like(before)
        )
        got = magnitude_mask(weight, sparsity)
        expect(
            isinstance(got, torch.Tensor),
            f"{name}: 마스크 텐서를 반환해야 합니다 (got {type(got).__name__})",
        )
        expect_shape(got, tuple(weight.shape), f"{name}: 마스크")
        got = got.float()
        zeros = int((got == 0).sum())
        expect_equal(zeros, int((expected == 0).sum()), f"{name}: 0인 위치의 개수")
        expect_close(got, expected, f"{name}: 마스크 (절댓값이 작은 위치가 0)", atol=0)
        expect(torch.equal(weight, before), f"{name}: 입력 weight를 바꾸면 안 됩니다")


@register("aiot_applications/03", 3, "state_dict의 원시 바이트 수 (state_dict_bytes)")
def _check_state_dict_bytes(state_dict_bytes) -> None:
    linear = torch.nn.Linear(10, 5)
    cases = [
        ("nn.Linear(10, 5)의 state_dict (float32 55개)", linear.state_dict(), 220),
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
        ("0차원 스칼라 float64 하나", {"s": torch.tensor(1.0, dtype=torch.float64)}, 8),
        ("빈 state_dict", {}, 0),
    ]
    for name, state, expected in cases:
        got = state_dict_bytes(state)
        if isinstance(got, torch.Tensor) and got.numel() == 1:
            got = got.item()
        expect(
            isinstance(got, (int, float)) and float(got).is_integer(),
            f"{name}: 바이트 수(정수)를 반환해야 합니다 (got {got!r})",
        )
        expect_equal(int(got), expected, f"{name}: 바이트 수")
