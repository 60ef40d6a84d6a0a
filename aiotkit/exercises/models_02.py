"""Exercise checkers for models/02 (convolutional networks)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_equal,
    expect_not_using,
    expect_shape,
    expect_type,
    expect_unchanged,
    is_integer,
    register,
)


@register("models/02", 1, "Conv2d 출력 모양 공식 (conv2d_output_shape)")
def _check_conv2d_output_shape(conv2d_output_shape) -> None:
    expect_not_using(
        conv2d_output_shape,
        {"Conv2d": "nn.Conv2d", "conv2d": "F.conv2d"},
        "모델을 만들지 말고 공식으로",
    )
    cases = [
        ((1, 1, 8, 8), 16, 3, 1, 0, 1),
        ((4, 3, 8, 8), 8, 3, 1, 1, 1),
        ((2, 3, 28, 28), 6, 5, 2, 2, 1),
        ((1, 1, 7, 7), 2, 3, 2, 0, 1),  # 나누어떨어지지 않는 스트라이드 → 내림
        ((1, 2, 10, 12), 4, 3, 1, 0, 2),  # 팽창(dilation)
        ((3, 1, 9, 5), 1, (3, 1), (2, 1), (1, 0), 1),  # 가로·세로가 다른 설정
        ((1, 3, 224, 224), 64, 7, 2, 3, 1),  # ResNet의 첫 층
        ((2, 1, 4, 4), 1, 4, 1, 0, 1),  # 커널 = 입력 → 1×1
        ((1, 1, 8, 8), 1, 3, 2, 0, 1),  # (8 − 3) / 2 = 2.5 → 내림
        ((2, 3, 11, 16), 5, (5, 3), (3, 2), (2, 1), (1, 2)),  # 모든 인자가 (세로, 가로)
        ((1, 4, 20, 9), 7, 3, 3, 2, 3),  # 팽창 + 스트라이드 + 패딩
    ]
    for shape, out_channels, kernel, stride, padding, dilation in cases:
        conv = nn.Conv2d(
            shape[1], out_channels, kernel, stride=stride, padding=padding, dilation=dilation
        )
        with torch.no_grad():
            expected = tuple(conv(torch.zeros(shape)).shape)
        got = conv2d_output_shape(shape, out_channels, kernel, stride, padding, dilation)
        what = (
            f"입력 {shape}, out_channels={out_channels}, kernel_size={kernel}, "
            f"stride={stride}, padding={padding}, dilation={dilation}의 출력 모양"
        )
        expect(
            isinstance(got, (tuple, list, torch.Size)) and len(got) == 4,
            f"{what}: (N, C, H, W) 네 정수의 튜플을 기대했는데 {got!r}을 받았습니다",
        )
        expect(
            all(is_integer(v) for v in got),
            f"{what}: 모든 값이 int여야 합니다 (got {got!r}) — 나눗셈은 //로 하세요",
        )
        expect_equal(tuple(got), expected, what)


def _conv_cases():
    generator = torch.Generator().manual_seed(21)
    specs = [
        ("기본 3×3", (2, 3, 6, 7), (4, 3, 3, 3), 1, 0, True),
        ("padding=1", (1, 2, 5, 5), (3, 2, 3, 3), 1, 1, True),
        ("stride=2, padding=1", (3, 1, 8, 8), (2, 1, 3, 3), 2, 1, True),
        ("bias=None", (2, 2, 4, 6), (5, 2, 2, 2), 1, 0, False),
        ("1×1 커널", (1, 4, 3, 3), (2, 4, 1, 1), 1, 0, True),
        ("stride=3, padding=2, 입력 채널 3개", (2, 3, 9, 10), (4, 3, 3, 2), 3, 2, True),
        ("가로세로 다른 커널", (2, 1, 7, 6), (3, 1, 3, 2), 2, 1, True),
    ]
    for label, x_shape, w_shape, stride, padding, has_bias in specs:
        x = torch.randn(x_shape, generator=generator)
        w = torch.randn(w_shape, generator=generator)
        b = torch.randn(w_shape[0], generator=generator) if has_bias else None
        yield label, x, w, b, stride, padding


@register("models/02", 2, "unfold로 Conv2d 계산 (conv2d_unfold)")
def _check_conv2d_unfold(conv2d_unfold) -> None:
    expect_not_using(
        conv2d_unfold,
        {
            "conv2d": "F.conv2d",
            "Conv2d": "nn.Conv2d",
            "convolution": "torch.convolution",
            "_conv_forward": "Conv2d._conv_forward",
        },
        "F.conv2d·nn.Conv2d 없이 unfold와 행렬 곱으로",
    )
    for label, x, w, b, stride, padding in _conv_cases():
        expected = F.conv2d(x, w, b, stride=stride, padding=padding)
        x_in, w_in = x.clone(), w.clone()
        b_in = None if b is None else b.clone()
        got = conv2d_unfold(x_in, w_in, b_in, stride, padding)
        what = (
            f"{label}: 입력 {tuple(x.shape)}, 가중치 {tuple(w.shape)}, "
            f"stride={stride}, padding={padding}"
        )
        expect(
            isinstance(got, torch.Tensor),
            f"{what}: 텐서를 반환해야 합니다 (got {type(got).__name__})",
        )
        expect_shape(got, tuple(expected.shape), what)
        expect_close(got, expected, f"{what} (F.conv2d와 비교)", atol=1e-4, rtol=1e-4)
        expect_unchanged(x, x_in, f"{label}: 입력 x")
        expect_unchanged(w, w_in, f"{label}: 입력 weight")
        if b is not None:
            expect_unchanged(b, b_in, f"{label}: 입력 bias")


class _TinyCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten()
        )
        self.head = nn.Linear(4 * 6 * 6, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


class _TwoPartHead(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Linear(5, 8)
        self.blocks = nn.ModuleList([nn.Linear(8, 8), nn.LayerNorm(8)])
        self.head = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        for block in self.blocks:
            x = block(x)
        return self.head(x)


@register("models/02", 3, "헤드만 남기고 동결하기 (freeze_except_head)")
def _check_freeze_except_head(freeze_except_head) -> None:
    for name, make, pre_frozen in [
        ("CNN (features + head)", _TinyCNN, False),
        ("여러 부분 + 2층 head", _TwoPartHead, False),
        ("head가 미리 동결되어 있던 모델", _TwoPartHead, True),
    ]:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(3)
            model, fresh = make(), make()
        if pre_frozen:
            for p in model.parameters():
                p.requires_grad_(False)
        before = {k: v.clone() for k, v in model.state_dict().items()}
        returned = freeze_except_head(model)
        expect(
            returned is model,
            f"{name}: 받은 모델 자신을 반환해야 합니다 (return model)",
        )
        expect(
            isinstance(model.head, type(fresh.head)),
            f"{name}: model.head를 새 층으로 바꾸면 안 됩니다 — requires_grad만 바꾸세요",
        )
        head_ids = {id(p) for p in model.head.parameters()}
        wrong_frozen = [
            n for n, p in model.named_parameters() if id(p) in head_ids and not p.requires_grad
        ]
        wrong_trainable = [
            n for n, p in model.named_parameters() if id(p) not in head_ids and p.requires_grad
        ]
        expect(
            not wrong_frozen,
            f"{name}: head의 매개변수는 학습되어야 합니다 (requires_grad=True); 동결됨: {wrong_frozen}",
        )
        expect(
            not wrong_trainable,
            f"{name}: head 밖의 매개변수는 모두 동결되어야 합니다 (requires_grad=False); "
            f"아직 학습됨: {wrong_trainable}",
        )
        after = model.state_dict()
        changed = [k for k in before if not torch.equal(before[k], after[k])]
        expect(
            not changed, f"{name}: 값은 바꾸지 말고 requires_grad만 바꾸세요; 바뀐 값: {changed}"
        )


def _causal_reference(x, weight, bias, dilation):
    k = weight.shape[-1]
    return F.conv1d(F.pad(x, ((k - 1) * dilation, 0)), weight, bias, dilation=dilation)


@register("models/02", 4, "인과 팽창 1-D 합성곱 (causal_conv1d)")
def _check_causal_conv1d(causal_conv1d) -> None:
    generator = torch.Generator().manual_seed(24)
    cases = [  # (batch, C_in, T, C_out, kernel, dilation, 편향)
        (2, 3, 10, 4, 3, 1, True),
        (1, 1, 12, 1, 2, 4, True),  # 팽창 4: 수용 영역 5스텝
        (3, 2, 5, 2, 3, 3, False),  # 수용 영역 7 > 길이 5, bias=None
        (2, 4, 9, 3, 1, 2, True),  # 커널 1: 패딩이 필요 없음
        (1, 2, 16, 2, 4, 2, True),  # 짝수 커널
    ]
    for batch, c_in, time, c_out, k, dilation, has_bias in cases:
        x = torch.randn(batch, c_in, time, generator=generator, dtype=torch.float64)
        weight = torch.randn(c_out, c_in, k, generator=generator, dtype=torch.float64)
        bias = torch.randn(c_out, generator=generator, dtype=torch.float64) if has_bias else None
        what = (
            f"x{tuple(x.shape)}, weight{tuple(weight.shape)}, dilation={dilation}, "
            f"bias={'있음' if has_bias else 'None'}"
        )
        expected = _causal_reference(x, weight, bias, dilation)
        x_in, w_in = x.clone(), weight.clone()
        got = causal_conv1d(x_in, w_in, None if bias is None else bias.clone(), dilation)
        expect_type(got, "tensor", what)
        expect_shape(got, (batch, c_out, time), f"{what} — 출력 길이는 입력과 같아야 합니다")
        # 미래를 바꿔도 과거의 출력은 그대로여야 합니다
        cut = time // 2
        future = x.clone()
        future[..., cut:] += 10.0
        changed = causal_conv1d(future, weight.clone(), bias, dilation)
        expect_shape(changed, (batch, c_out, time), what)
        leak = (changed[..., :cut] - got[..., :cut]).abs().max().item() if cut else 0.0
        expect(
            leak < 1e-9,
            f"{what}: 시각 {cut} 이후의 입력을 바꿨더니 그 전 시각의 출력이 바뀌었습니다 "
            f"(최대 {leak:.3g}). 출력 t는 입력 ≤ t만 봐야 합니다 — 패딩을 어느 쪽에 두었나요?",
        )
        expect_close(got, expected, f"{what} (왼쪽 패딩 + F.conv1d와 비교)", atol=1e-9)
        expect_unchanged(x, x_in, f"{what}: 입력 x")
        expect_unchanged(weight, w_in, f"{what}: 입력 weight")
    # float32와 기울기: 층처럼 학습에 쓸 수 있어야 합니다
    x = torch.randn(2, 3, 8, generator=generator)
    weight = torch.randn(2, 3, 3, generator=generator, requires_grad=True)
    bias = torch.zeros(2, requires_grad=True)
    out = causal_conv1d(x, weight, bias, 2)
    expect_type(out, "tensor", "float32 입력")
    expect(out.requires_grad, "float32 입력: 가중치에 대한 기울기가 흐르지 않습니다 (detach?)")
