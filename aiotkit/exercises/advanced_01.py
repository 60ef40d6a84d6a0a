"""Exercise checkers for advanced/01 (custom modules)."""

from __future__ import annotations

import torch
from torch import nn

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_equal,
    expect_type,
    expect_unchanged,
    register,
)


@register("advanced/01", 1, "버퍼만 가진 범위 정규화 층 (RangeNormalizer)")
def _check_range_normalizer(RangeNormalizer) -> None:
    generator = torch.Generator().manual_seed(0)
    cases = [
        (torch.tensor([0.0, -40.0]), torch.tensor([100.0, 85.0])),  # 습도 %, 온도 °C
        (torch.tensor([400.0]), torch.tensor([2000.0])),  # CO2 ppm, 채널 1개
        (torch.tensor([-1.0, 0.0, 10.0]), torch.tensor([1.0, 5.0, 20.0])),
    ]
    for low, high in cases:
        module = RangeNormalizer(low.clone(), high.clone())
        expect(
            isinstance(module, nn.Module),
            f"nn.Module을 만들어야 합니다 (got {type(module).__name__})",
        )
        n_params = sum(p.numel() for p in module.parameters())
        expect(
            n_params == 0,
            f"low/high는 학습되면 안 됩니다: parameters()에 원소 {n_params}개가 있습니다 "
            "(nn.Parameter 대신 register_buffer를 쓰세요)",
        )
        keys = set(module.state_dict())
        expect(
            {"low", "high"} <= keys,
            f"state_dict에 'low', 'high'가 있어야 합니다; 받은 키 {sorted(keys)} "
            "(그냥 속성이 아니라 register_buffer로 등록하세요)",
        )
        what = f"low={low.tolist()}, high={high.tolist()}"
        for batch in (5, 1):
            x = low + (high - low) * torch.rand(batch, low.numel(), generator=generator)
            x_copy = x.clone()
            got = module(x)
            expect_type(got, "tensor", f"{what}의 출력")
            expect_unchanged(x_copy, x, f"{what}: 입력 x")
            expect_close(got, (x_copy - low) / (high - low), f"{what}, 배치 {batch}개의 출력")
        edges = torch.stack([low, high])
        expect_close(
            module(edges),
            torch.stack([torch.zeros_like(low), torch.ones_like(high)]),
            "low → 0, high → 1",
        )
        module64 = module.to(torch.float64)
        out64 = module64(x_copy.double())
        expect(
            out64.dtype == torch.float64,
            f".to(torch.float64) 뒤에 float64 입력의 출력이 float64여야 합니다 (got {out64.dtype}); "
            "low/high가 버퍼라면 .to()가 함께 변환합니다",
        )
        buffers = dict(module64.named_buffers())
        expect(
            all(b.dtype == torch.float64 for b in buffers.values()) and len(buffers) >= 2,
            ".to(torch.float64)가 low/high 버퍼도 float64로 바꾸어야 합니다",
        )
    # state_dict로 다른 범위를 불러오면 동작이 바뀌어야 합니다 (값이 state_dict에서 옵니다)
    source = RangeNormalizer(torch.tensor([10.0]), torch.tensor([20.0]))
    target = RangeNormalizer(torch.tensor([0.0]), torch.tensor([1.0]))
    target.load_state_dict(source.state_dict())
    expect_close(
        target(torch.tensor([[15.0]])),
        torch.tensor([[0.5]]),
        "load_state_dict로 low=10, high=20을 불러온 뒤 x=15의 출력",
    )


class _LogCosh(torch.autograd.Function):
    """Stable log(cosh(x)); backward calls the student's function."""

    backward_fn = None

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.abs() + torch.log1p(torch.exp(-2 * x.abs())) - torch.log(torch.tensor(2.0)).to(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return _LogCosh.backward_fn(x, grad_output)


@register("advanced/01", 2, "log-cosh의 backward (log_cosh_backward)")
def _check_log_cosh_backward(log_cosh_backward) -> None:
    generator = torch.Generator().manual_seed(1)
    x = torch.tensor([-3.0, -0.5, 0.0, 0.7, 2.0], dtype=torch.float64)
    g = torch.tensor([1.0, -2.0, 0.5, 3.0, -1.0], dtype=torch.float64)
    x_in, g_in = x.clone(), g.clone()
    got = log_cosh_backward(x_in, g_in)
    what = "x=[-3, -0.5, 0, 0.7, 2], grad_output=[1, -2, 0.5, 3, -1]"
    expect_type(got, "tensor", f"{what}의 반환값")
    expect_unchanged(x, x_in, f"{what}: 입력 x")
    expect_unchanged(g, g_in, f"{what}: 입력 grad_output")
    expect_close(got, g * torch.tanh(x), f"{what}의 기울기")
    big = torch.tensor([-800.0, -30.0, 30.0, 800.0], dtype=torch.float64)
    ones = torch.ones_like(big)
    got_big = log_cosh_backward(big.clone(), ones.clone())
    expect(
        torch.isfinite(torch.as_tensor(got_big)).all().item(),
        f"x = ±800에서 기울기가 유한해야 합니다 (받은 값 {torch.as_tensor(got_big).tolist()}); "
        "sinh·cosh·exp는 큰 x에서 넘칩니다(overflow) — tanh를 쓰세요",
    )
    expect_close(got_big, torch.tanh(big), "x = [-800, -30, 30, 800]의 기울기", atol=1e-9)
    _LogCosh.backward_fn = staticmethod(log_cosh_backward)
    try:
        for shape in [(7,), (3, 4)]:
            inputs = (
                torch.randn(*shape, dtype=torch.float64, generator=generator) * 3
            ).requires_grad_()
            ok = torch.autograd.gradcheck(
                _LogCosh.apply, (inputs,), eps=1e-6, atol=1e-6, raise_exception=False
            )
            expect(ok, f"모양 {shape}의 입력에서 gradcheck가 실패했습니다 (수치 미분과 다름)")
    finally:
        _LogCosh.backward_fn = None


def _reference_shapes(model: nn.Module, x: torch.Tensor) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    handles = []
    for name, module in model.named_modules():
        if len(list(module.children())) == 0:
            handles.append(
                module.register_forward_hook(
                    lambda m, i, o, name=name: shapes.__setitem__(name, tuple(o.shape))
                )
            )
    try:
        with torch.no_grad():
            model(x)
    finally:
        for handle in handles:
            handle.remove()
    return shapes


class _Encoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Conv1d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool1d(2))
        self.unused = nn.Linear(4, 4)  # never called in forward
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(8 * 10, 5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


_HOOK_DICTS = (
    "_forward_hooks",
    "_forward_pre_hooks",
    "_backward_hooks",
    "_backward_pre_hooks",
    "_forward_hooks_always_called",
    "_forward_hooks_with_kwargs",
    "_forward_pre_hooks_with_kwargs",
)


def _hooks_left(model: nn.Module) -> list[str]:
    """'이름: 훅 종류' for every hook still registered on the model or any module in it."""
    left = []
    for name, module in model.named_modules():
        for kind in _HOOK_DICTS:
            if len(getattr(module, kind, {})):
                left.append(f"{name or '(모델 자체)'}.{kind}")
    return left


class _Gated(nn.Module):
    """A block whose second branch runs only for long inputs (a module that may stay unused)."""

    def __init__(self) -> None:
        super().__init__()
        self.short = nn.Linear(6, 4)
        self.long = nn.Sequential(nn.Linear(6, 4), nn.GELU())
        self.norm = nn.LayerNorm(4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        branch = self.long if x.shape[0] > 3 else self.short
        return self.norm(branch(x))


@register("advanced/01", 3, "훅으로 모든 층의 출력 모양 (layer_output_shapes)")
def _check_layer_output_shapes(layer_output_shapes) -> None:
    generator = torch.Generator().manual_seed(3)
    with torch.random.fork_rng(devices=[]):  # 노트북의 난수 상태를 건드리지 않습니다
        torch.manual_seed(3)
        cases = [
            (
                "Sequential(Linear, ReLU, Linear)",
                nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 2)),
                torch.randn(4, 6, generator=generator),
            ),
            (
                "중첩된 Conv1d 모델 (쓰이지 않는 층 포함)",
                _Encoder(),
                torch.randn(2, 3, 20, generator=generator),
            ),
            (
                "Sequential 안의 Sequential",
                nn.Sequential(nn.Sequential(nn.Linear(5, 7), nn.Tanh()), nn.Linear(7, 3)),
                torch.randn(1, 5, generator=generator),
            ),
            (
                "입력 길이에 따라 가지를 고르는 모델 (짧은 입력)",
                _Gated(),
                torch.randn(2, 6, generator=generator),
            ),
            (
                "입력 길이에 따라 가지를 고르는 모델 (긴 입력)",
                _Gated(),
                torch.randn(5, 6, generator=generator),
            ),
        ]
    for name, model, x in cases:
        model.eval()
        with torch.no_grad():
            before = model(x)
        x_copy = x.clone()
        got = layer_output_shapes(model, x)
        left = _hooks_left(model)
        expect(
            not left,
            f"{name}: 함수가 끝난 뒤 모델에 훅 {len(left)}개가 남아 있습니다 ({', '.join(left[:3])}); "
            "등록한 훅은 handle.remove()로 지우세요",
        )
        expect_unchanged(x_copy, x, f"{name}: 입력 x")
        expect_type(got, "dict", f"{name}: 반환값")
        got = {k: tuple(v) for k, v in got.items()}
        expected = _reference_shapes(model, x_copy)
        expect_equal(got, expected, f"{name}: 말단 모듈의 출력 모양")
        with torch.no_grad():
            after = model(x_copy)
        expect_close(after, before, f"{name}: 함수를 부른 뒤 모델의 출력")
        again = layer_output_shapes(model, x_copy)
        expect_equal(
            {k: tuple(v) for k, v in again.items()}, expected, f"{name}: 같은 모델로 두 번째 호출"
        )
        expect(not _hooks_left(model), f"{name}: 두 번째 호출 뒤 모델에 훅이 남아 있습니다")


@register("advanced/01", 4, "학습되는/동결된 매개변수와 버퍼 세기 (count_parameters)")
def _check_count_parameters(count_parameters) -> None:
    with torch.random.fork_rng(devices=[]):  # 노트북의 난수 상태를 건드리지 않습니다
        torch.manual_seed(4)
        simple = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
        frozen = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
        for p in frozen[0].parameters():
            p.requires_grad_(False)
        with_bn = nn.Sequential(nn.Conv1d(3, 8, 5), nn.BatchNorm1d(8), nn.ReLU())
        with_bn[0].weight.requires_grad_(False)
        tied = nn.Sequential(nn.Linear(4, 4, bias=False), nn.Linear(4, 4, bias=False))
        tied[1].weight = tied[0].weight  # weight tying: one Parameter used twice
        tied_frozen = nn.Sequential(nn.Embedding(7, 3), nn.Linear(3, 7, bias=True))
        tied_frozen[1].weight = tied_frozen[0].weight  # 7x3 shared, then frozen
        tied_frozen[0].weight.requires_grad_(False)
        all_frozen = nn.Sequential(nn.Linear(6, 5), nn.BatchNorm1d(5)).requires_grad_(False)

        class WithExtraBuffer(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.linear = nn.Linear(3, 2)
                self.register_buffer("scale", torch.ones(3))
                self.register_buffer("window", torch.ones(1, 1, 9), persistent=False)

        extra = WithExtraBuffer()

    cases = [
        ("Linear(10,32)-ReLU-Linear(32,1)", simple, {"trainable": 385, "frozen": 0, "buffers": 0}),
        ("첫 층을 동결한 같은 모델", frozen, {"trainable": 33, "frozen": 352, "buffers": 0}),
        (
            "Conv1d(3,8,5) 가중치를 동결하고 BatchNorm1d(8)",
            with_bn,
            {"trainable": 8 + 16, "frozen": 120, "buffers": 17},
        ),
        ("가중치를 공유하는 두 Linear(4,4)", tied, {"trainable": 16, "frozen": 0, "buffers": 0}),
        (
            "Embedding(7,3)과 가중치를 공유하고 동결한 Linear(3,7)",
            tied_frozen,
            {"trainable": 7, "frozen": 21, "buffers": 0},
        ),
        (
            "모두 동결한 Linear(6,5)와 BatchNorm1d(5)",
            all_frozen,
            {"trainable": 0, "frozen": 45, "buffers": 11},
        ),
        (
            "버퍼 2개(비영속 포함)와 Linear(3,2)",
            extra,
            {"trainable": 8, "frozen": 0, "buffers": 12},
        ),
    ]
    for name, model, expected in cases:
        flags = [p.requires_grad for p in model.parameters()]
        got = count_parameters(model)
        expect_type(got, "dict", f"{name}: 반환값")
        expect_equal(sorted(got), sorted(expected), f"{name}: 반환한 사전의 키")
        for key in expected:
            expect_type(got[key], "int", f"{name}: '{key}'")
        expect_equal(
            {k: got[k] for k in expected}, expected, f"{name}: {{trainable, frozen, buffers}}"
        )
        expect_equal(
            [p.requires_grad for p in model.parameters()],
            flags,
            f"{name}: 함수를 부른 뒤 매개변수의 requires_grad (모델을 바꾸지 마세요)",
        )
