"""Exercise checkers for models/02 (convolutional networks)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from aiotkit.exercises.core import (
    CheckFailed,
    expect,
    expect_close,
    expect_equal,
    expect_shape,
    register,
)


@register("models/02", 1, "Conv2d 출력 모양 공식 (conv2d_output_shape)")
def _check_conv2d_output_shape(conv2d_output_shape) -> None:
    cases = [
        ((1, 1, 8, 8), 16, 3, 1, 0, 1),
        ((4, 3, 8, 8), 8, 3, 1, 1, 1),
        ((2, 3, 28, 28), 6, 5, 2, 2, 1),
        ((1, 1, 7, 7), 2, 3, 2, 0, 1),  # 나누어떨어지지 않는 스트라이드 → 내림
        ((1, 2, 10, 12), 4, 3, 1, 0, 2),  # 팽창(dilation)
        ((3, 1, 9, 5), 1, (3, 1), (2, 1), (1, 0), 1),  # 가로·세로가 다른 설정
        ((1, 3, 224, 224), 64, 7, 2, 3, 1),  # ResNet의 첫 층
        ((2, 1, 4, 4), 1, 4, 1, 0, 1),  # 커널 = 입력 → 1×1
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
            all(isinstance(v, int) and not isinstance(v, bool) for v in got),
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
        ("가로세로 다른 커널", (2, 1, 7, 6), (3, 1, 3, 2), 2, 1, True),
    ]
    for label, x_shape, w_shape, stride, padding, has_bias in specs:
        x = torch.randn(x_shape, generator=generator)
        w = torch.randn(w_shape, generator=generator)
        b = torch.randn(w_shape[0], generator=generator) if has_bias else None
        yield label, x, w, b, stride, padding


@register("models/02", 2, "unfold로 Conv2d 계산 (conv2d_unfold)")
def _check_conv2d_unfold(conv2d_unfold) -> None:
    for label, x, w, b, stride, padding in _conv_cases():
        expected = F.conv2d(x, w, b, stride=stride, padding=padding)
        got = conv2d_unfold(x.clone(), w.clone(), None if b is None else b.clone(), stride, padding)
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
        model = make()
        if pre_frozen:
            for p in model.parameters():
                p.requires_grad_(False)
        before = {k: v.clone() for k, v in model.state_dict().items()}
        returned = freeze_except_head(model)
        expect(
            returned is model,
            f"{name}: 받은 모델 자신을 반환해야 합니다 (return model)",
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


@register("models/02", 4, "길이에 상관없는 1-D CNN (make_sensor_cnn)")
def _check_make_sensor_cnn(make_sensor_cnn) -> None:
    with torch.random.fork_rng(devices=[]):  # 노트북의 난수 상태를 건드리지 않습니다
        torch.manual_seed(0)
        for in_channels, n_classes in [(6, 4), (3, 2), (1, 5)]:
            model = make_sensor_cnn(in_channels, n_classes)
            what = f"make_sensor_cnn({in_channels}, {n_classes})"
            expect(
                isinstance(model, nn.Module),
                f"{what}: nn.Module을 반환해야 합니다 (got {type(model).__name__})",
            )
            n_params = sum(p.numel() for p in model.parameters())
            expect(
                0 < n_params <= 100_000,
                f"{what}: 매개변수가 {n_params}개입니다; 1개 이상 10만 개 이하의 작은 모델을 만드세요",
            )
            expect(
                any(isinstance(m, nn.Conv1d) for m in model.modules()),
                f"{what}: nn.Conv1d 층이 있어야 합니다",
            )
            model.eval()
            for batch, length in [(5, 100), (2, 37), (1, 8)]:
                x = torch.randn(batch, in_channels, length)
                try:
                    with torch.no_grad():
                        out = model(x)
                except RuntimeError as exc:
                    raise CheckFailed(
                        f"{what}: 길이 {length}인 윈도우에서 오류가 났습니다 ({str(exc)[:80]}). "
                        "Flatten 뒤의 Linear는 윈도우 길이를 고정합니다 — 전역 풀링"
                        "(nn.AdaptiveAvgPool1d(1))을 쓰세요"
                    ) from None
                expect_shape(
                    out,
                    (batch, n_classes),
                    f"{what}: 입력 (batch={batch}, channels={in_channels}, time={length})의 출력 "
                    "(윈도우 길이가 달라도 같은 모델이 동작해야 합니다 — 전역 풀링)",
                )
