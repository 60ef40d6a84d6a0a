"""Exercise checkers for basics/02 (neural network basics)."""

from __future__ import annotations

import torch
from torch import nn

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_equal,
    expect_shape,
    expect_unchanged,
    register,
)


def _count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def _linear(n_in: int, n_out: int, bias: bool, seed: int) -> nn.Linear:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return nn.Linear(n_in, n_out, bias=bias)


@register("basics/02", 1, "두 Linear 층을 하나로 합치기 (merge_linear_layers)")
def _check_merge_linear_layers(merge_linear_layers) -> None:
    generator = torch.Generator().manual_seed(0)
    cases = [  # (in, hidden, out, first has bias, second has bias)
        (10, 32, 1, True, True),
        (4, 4, 4, True, True),
        (3, 5, 2, False, True),
        (6, 2, 3, True, False),
        (1, 7, 5, True, True),
    ]
    for seed, (n_in, hidden, n_out, bias1, bias2) in enumerate(cases):
        first = _linear(n_in, hidden, bias1, 10 + seed)
        second = _linear(hidden, n_out, bias2, 20 + seed)
        if bias1:
            with torch.no_grad():  # biases away from zero, so that forgetting one shows
                first.bias.add_(1.0)
        saved = {f"first.{k}": v.clone() for k, v in first.state_dict().items()}
        saved |= {f"second.{k}": v.clone() for k, v in second.state_dict().items()}
        name = (
            f"Linear({n_in}, {hidden}{'' if bias1 else ', bias=False'}) → "
            f"Linear({hidden}, {n_out}{'' if bias2 else ', bias=False'})"
        )
        merged = merge_linear_layers(first, second)
        expect(
            isinstance(merged, nn.Linear),
            f"{name}: nn.Linear 하나를 반환해야 합니다 (받은 값 {type(merged).__name__})",
        )
        expect_equal(
            (merged.in_features, merged.out_features),
            (n_in, n_out),
            f"{name}: 합친 층의 (in_features, out_features)",
        )
        expect_shape(merged.weight, (n_out, n_in), f"{name}: 합친 층의 weight")
        current = {f"first.{k}": v for k, v in first.state_dict().items()}
        current |= {f"second.{k}": v for k, v in second.state_dict().items()}
        for key, before in saved.items():
            expect_unchanged(before, current[key], f"{name}: 입력 층의 {key}")
        for x in (
            torch.randn(8, n_in, generator=generator),
            torch.randn(2, 3, n_in, generator=generator),
        ):
            with torch.no_grad():
                expected = second(first(x))
                got = merged(x)
            expect_close(
                got, expected, f"{name}: 모양 {tuple(x.shape)}인 입력에 대한 출력", atol=1e-5
            )
        weight = merged.weight
        expect(
            isinstance(weight, nn.Parameter) and weight.requires_grad and weight.is_leaf,
            f"{name}: 합친 층의 weight는 학습할 수 있는 매개변수(nn.Parameter, requires_grad=True)여야 합니다",
        )
        merged(torch.randn(4, n_in, generator=generator)).sum().backward()
        expect(
            all(p.grad is None for p in (*first.parameters(), *second.parameters())),
            f"{name}: 합친 층으로 역전파했는데 입력 층에 기울기가 생겼습니다. "
            "새 가중치를 입력 층의 계산 그래프와 떼어 놓으세요 (torch.no_grad() 또는 detach)",
        )


@register("basics/02", 2, "층 크기 목록으로 MLP 만들기 (make_mlp)")
def _check_make_mlp(make_mlp) -> None:
    generator = torch.Generator().manual_seed(1)
    for sizes in ([10, 32, 1], [4, 2], [6, 16, 16, 3], [3, 8, 8, 8, 2]):
        argument = list(sizes)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(1)
            model = make_mlp(argument)
        expect_equal(argument, sizes, f"make_mlp({sizes}) 뒤의 입력 목록 sizes (바꾸면 안 됩니다)")
        expect(
            isinstance(model, nn.Sequential),
            f"make_mlp({sizes}): nn.Sequential을 반환해야 합니다 (받은 값 {type(model).__name__})",
        )
        layers = list(model)
        expect_equal(
            len(layers), 2 * len(sizes) - 3, f"make_mlp({sizes})의 층 수 (Linear와 ReLU만)"
        )
        for i, m in enumerate(layers):
            expect(
                isinstance(m, nn.Linear if i % 2 == 0 else nn.ReLU),
                f"make_mlp({sizes}): {i}번째 층은 {'Linear' if i % 2 == 0 else 'ReLU'}여야 합니다 (받은 층 {m})",
            )
        linears = [m for m in layers if isinstance(m, nn.Linear)]
        shapes = [(m.in_features, m.out_features) for m in linears]
        expected_shapes = list(zip(sizes[:-1], sizes[1:], strict=True))
        expect_equal(shapes, expected_shapes, f"make_mlp({sizes})의 Linear 층 (in, out)")
        expected_count = sum(a * b + b for a, b in expected_shapes)
        expect_equal(
            _count(model),
            expected_count,
            f"make_mlp({sizes})의 매개변수 수 (층마다 편향 포함, 층끼리 공유하지 않음)",
        )
        out = model(torch.randn(7, sizes[0], generator=generator))
        expect_shape(out, (7, sizes[-1]), f"make_mlp({sizes})에 (7, {sizes[0]})를 넣은 출력")
        expect(
            bool((out < 0).any()) or sizes[-1] == 1,
            f"make_mlp({sizes}): 출력에 음수가 하나도 없습니다. 마지막 Linear 뒤에 활성화 함수가 있나요?",
        )


class _TwoHeads(nn.Module):
    """fc1 and fc10 share a prefix as strings but are different modules."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.fc10 = nn.Linear(4, 2)
        self.encoder = nn.Sequential(nn.Linear(2, 5), nn.ReLU(), nn.Linear(5, 2))


def _two_heads(seed: int) -> _TwoHeads:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return _TwoHeads()


def _frozen_names(model: nn.Module) -> list[str]:
    return [n for n, p in model.named_parameters() if not p.requires_grad]


@register("basics/02", 3, "이름으로 층 동결하기 (freeze)")
def _check_freeze(freeze) -> None:
    encoder = ["encoder.0.bias", "encoder.0.weight", "encoder.2.bias", "encoder.2.weight"]
    cases = [
        (["fc1"], ["fc1.bias", "fc1.weight"]),
        (["fc10"], ["fc10.bias", "fc10.weight"]),
        (["encoder.0", "encoder.2"], encoder),
        (["encoder"], encoder),
        (["encoder.2", "fc1"], ["encoder.2.bias", "encoder.2.weight", "fc1.bias", "fc1.weight"]),
        ([], []),
    ]
    for prefixes, expected in cases:
        model = _two_heads(2)
        model.train()
        values = {k: v.clone() for k, v in model.state_dict().items()}
        argument = list(prefixes)
        freeze(model, argument)
        expect_equal(argument, prefixes, f"freeze(model, {prefixes}) 뒤의 입력 목록 prefixes")
        expect_equal(
            sorted(_frozen_names(model)),
            expected,
            f"freeze(model, {prefixes}) 뒤 requires_grad=False인 매개변수 (fc1과 fc10은 다른 층입니다)",
        )
        for key, value in model.state_dict().items():
            expect_unchanged(values[key], value, f"freeze(model, {prefixes}) 뒤의 {key} 값")
        expect(
            model.training,
            f"freeze(model, {prefixes})가 모델의 모드를 train에서 eval로 바꾸었습니다 "
            "(동결은 requires_grad만 바꿉니다)",
        )
    # behaviour: a gradient step leaves frozen weights unchanged and changes the rest
    model = _two_heads(3)
    freeze(model, ["fc1"])
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    x = torch.randn(8, 3, generator=torch.Generator().manual_seed(3))
    loss = model.encoder(model.fc10(torch.relu(model.fc1(x)))).pow(2).mean()
    loss.backward()
    with torch.no_grad():  # one plain SGD step (what an optimizer does with grad=None: skip)
        for p in model.parameters():
            if p.grad is not None:
                p -= 0.1 * p.grad
    for name, p in model.named_parameters():
        changed = not torch.equal(p.detach(), before[name])
        if name.startswith("fc1."):
            expect(
                not changed, f"freeze(model, ['fc1']) 뒤 한 스텝 학습했는데 {name}가 바뀌었습니다"
            )
        else:
            expect(
                changed, f"freeze(model, ['fc1']) 뒤 한 스텝 학습했는데 {name}가 바뀌지 않았습니다"
            )
