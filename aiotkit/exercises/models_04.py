"""Exercise checkers for models/04 (attention and transformers)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_equal,
    expect_not_using,
    expect_shape,
    expect_type,
    expect_unchanged,
    register,
)


@register("models/04", 1, "국소 인과 마스크 (local_causal_mask)")
def _check_local_causal_mask(local_causal_mask) -> None:
    for n, window in [(5, 2), (6, 1), (4, 4), (4, 10), (1, 1), (7, 3), (9, 5), (3, 2)]:
        rows = torch.arange(n)[:, None]
        cols = torch.arange(n)[None, :]
        expected = (cols <= rows) & (rows - cols < window)
        got = local_causal_mask(n, window)
        what = f"n={n}, window={window}의 마스크"
        expect_type(got, "tensor", what)
        expect_shape(got, (n, n), what)
        expect_equal(
            got.dtype, torch.bool, f"{what}: dtype은 torch.bool이어야 합니다 (True = attend)"
        )
        if not torch.equal(got.cpu(), expected):
            wrong = (got.cpu() != expected).nonzero()[0].tolist()
            expect(
                False,
                f"{what}: 위치 (i={wrong[0]}, j={wrong[1]})에서 기대한 값 "
                f"{bool(expected[wrong[0], wrong[1]])}, 받은 값 {bool(got[wrong[0], wrong[1]])}. "
                f"기대한 마스크:\n{expected.int().tolist()}",
            )


@register("models/04", 2, "패딩을 가리는 어텐션 (padded_attention)")
def _check_padded_attention(padded_attention) -> None:
    expect_not_using(
        padded_attention,
        {
            "scaled_dot_product_attention": "F.scaled_dot_product_attention",
            "MultiheadAttention": "nn.MultiheadAttention",
            "multi_head_attention_forward": "F.multi_head_attention_forward",
        },
        "SDPA·nn.MultiheadAttention 없이 식으로",
    )
    generator = torch.Generator().manual_seed(7)
    cases = [
        (2, 4, 6, 8, 5, [6, 3]),
        (3, 5, 5, 4, 4, [5, 1, 2]),  # 길이 1: 한 키만 볼 수 있음
        (1, 1, 7, 16, 3, [7]),  # 패딩 없음
        (2, 6, 4, 2, 2, [2, 4]),
        (3, 3, 6, 5, 3, [1, 6, 4]),  # L < S, 길이가 다 다름
    ]
    for batch, L, S, d, d_v, lengths in cases:
        q = torch.randn(batch, L, d, generator=generator, dtype=torch.float64) * 2
        k = torch.randn(batch, S, d, generator=generator, dtype=torch.float64) * 2
        v = torch.randn(batch, S, d_v, generator=generator, dtype=torch.float64)
        padding = torch.arange(S)[None, :] >= torch.tensor(lengths)[:, None]  # True = 패딩
        expected = F.scaled_dot_product_attention(q, k, v, attn_mask=~padding[:, None, :])
        inputs = [q.clone(), k.clone(), v.clone(), padding.clone()]
        got = padded_attention(*inputs)
        what = f"q{tuple(q.shape)}, k{tuple(k.shape)}, 길이 {lengths}: 어텐션 출력"
        expect_type(got, "tensor", what)
        expect_shape(got, (batch, L, d_v), what)
        expect(
            bool(torch.isfinite(got).all()),
            f"{what}: nan/inf가 있습니다. 마스크 규칙(True = 패딩)을 확인하세요",
        )
        expect_close(got, expected, f"{what} (SDPA와 비교)", atol=1e-8)
        for name, before, after in zip(
            ["q", "k", "v", "key_padding_mask"], [q, k, v, padding], inputs, strict=True
        ):
            expect_unchanged(before, after, f"{what}: 입력 {name}")


@register("models/04", 3, "시계열을 패치 토큰으로 (patchify)")
def _check_patchify(patchify) -> None:
    generator = torch.Generator().manual_seed(11)
    for batch, channels, time, patch_len in [
        (2, 6, 100, 10),
        (1, 3, 12, 4),
        (3, 2, 11, 5),
        (2, 1, 8, 1),
        (1, 4, 9, 9),  # 패치 하나 = 전체
        (2, 3, 7, 3),  # 남는 1스텝을 버림
    ]:
        x = torch.randn(batch, channels, time, generator=generator)
        n_patches = time // patch_len
        expected = torch.stack(
            [
                x[:, :, n * patch_len : (n + 1) * patch_len].reshape(batch, -1)
                for n in range(n_patches)
            ],
            dim=1,
        )
        x_in = x.clone()
        got = patchify(x_in, patch_len)
        what = f"x{tuple(x.shape)}, patch_len={patch_len}: 패치 토큰"
        expect_type(got, "tensor", what)
        expect_unchanged(x, x_in, f"{what}: 입력 x")
        expect_shape(got, (batch, n_patches, channels * patch_len), what)
        expect_close(got, expected, what, atol=0.0, rtol=0.0)
    # Conv1d(kernel_size=stride=patch_len)와 같은 계산인지 (7절의 패치 임베딩)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(11)
        conv = torch.nn.Conv1d(6, 4, kernel_size=10, stride=10)
    x = torch.randn(2, 6, 100, generator=generator)
    with torch.no_grad():
        via_conv = conv(x).transpose(1, 2)
        via_linear = patchify(x, 10) @ conv.weight.reshape(4, -1).T + conv.bias
    expect_close(via_linear, via_conv, "patchify 뒤 Linear와 Conv1d 패치 임베딩의 비교", atol=1e-5)
