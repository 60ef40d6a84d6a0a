"""Exercise checkers for basics/02 (neural network basics)."""

from __future__ import annotations

import torch
from torch import nn

from aiotkit.exercises.core import expect, expect_equal, expect_shape, register


def _count(model: nn.Module, trainable_only: bool = False) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


class _TwoHeads(nn.Module):
    """fc1 and fc10 share a prefix as strings but are different modules."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.fc10 = nn.Linear(4, 2)
        self.encoder = nn.Sequential(nn.Linear(2, 5), nn.ReLU(), nn.Linear(5, 2))


@register("basics/02", 1, "매개변수 수 세기 (count_parameters)")
def _check_count_parameters(count_parameters) -> None:
    torch.manual_seed(0)
    simple = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
    with_bn = nn.Sequential(nn.Conv1d(6, 8, 3), nn.BatchNorm1d(8), nn.ReLU())  # has buffers
    lstm = nn.LSTM(6, 16, num_layers=2, batch_first=True)
    cases = [
        ("SimpleNN 10→32→1", simple, 385),
        (
            "Conv1d(6, 8, 3) + BatchNorm1d(8) (버퍼는 매개변수가 아님)",
            with_bn,
            6 * 8 * 3 + 8 + 2 * 8,
        ),
        ("LSTM(6, 16, num_layers=2)", lstm, _count(lstm)),
        ("매개변수가 없는 nn.ReLU()", nn.ReLU(), 0),
    ]
    for name, model, expected in cases:
        got = count_parameters(model)
        expect(
            isinstance(got, int) and not isinstance(got, bool),
            f"{name}: 파이썬 int를 반환해야 합니다 (got {type(got).__name__}); .item()이나 int()를 쓰세요",
        )
        expect_equal(got, expected, f"{name}의 매개변수 수")
    frozen = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
    frozen[0].requires_grad_(False)
    expect_equal(
        count_parameters(frozen, trainable_only=True),
        33,
        "fc1을 동결한 SimpleNN의 학습 매개변수 수",
    )
    expect_equal(
        count_parameters(frozen),
        385,
        "fc1을 동결한 SimpleNN의 전체 매개변수 수 (trainable_only=False)",
    )
    expect_equal(
        count_parameters(frozen, False), 385, "trainable_only=False를 위치 인자로 넘겼을 때"
    )


@register("basics/02", 2, "층 크기 목록으로 MLP 만들기 (make_mlp)")
def _check_make_mlp(make_mlp) -> None:
    for sizes in ([10, 32, 1], [4, 2], [6, 16, 16, 3]):
        torch.manual_seed(1)
        model = make_mlp(list(sizes))
        expect(
            isinstance(model, nn.Sequential),
            f"make_mlp({sizes}): nn.Sequential을 반환해야 합니다 (got {type(model).__name__})",
        )
        layers = list(model)
        linears = [m for m in layers if isinstance(m, nn.Linear)]
        shapes = [(m.in_features, m.out_features) for m in linears]
        expected_shapes = list(zip(sizes[:-1], sizes[1:], strict=True))
        expect_equal(shapes, expected_shapes, f"make_mlp({sizes})의 Linear 층 (in, out)")
        expect(
            isinstance(layers[-1], nn.Linear),
            f"make_mlp({sizes}): 마지막 층은 Linear여야 합니다 (활성화 함수 없이); 받은 마지막 층 {layers[-1]}",
        )
        relus = [m for m in layers if isinstance(m, nn.ReLU)]
        expect_equal(
            len(relus), len(sizes) - 2, f"make_mlp({sizes})의 ReLU 개수 (Linear 사이마다 하나)"
        )
        expect_equal(
            len(layers), 2 * len(sizes) - 3, f"make_mlp({sizes})의 층 수 (Linear와 ReLU만)"
        )
        for i, m in enumerate(layers):
            expect(
                isinstance(m, nn.Linear if i % 2 == 0 else nn.ReLU),
                f"make_mlp({sizes}): {i}번째 층은 {'Linear' if i % 2 == 0 else 'ReLU'}여야 합니다 (got {m})",
            )
        out = model(torch.randn(7, sizes[0]))
        expect_shape(out, (7, sizes[-1]), f"make_mlp({sizes})에 (7, {sizes[0]})를 넣은 출력")
    expect_equal(_count(make_mlp([10, 32, 1])), 385, "make_mlp([10, 32, 1])의 매개변수 수")


def _frozen_names(model: nn.Module) -> list[str]:
    return [n for n, p in model.named_parameters() if not p.requires_grad]


@register("basics/02", 3, "이름으로 층 동결하기 (freeze)")
def _check_freeze(freeze) -> None:
    cases = [
        (["fc1"], ["fc1.bias", "fc1.weight"]),
        (
            ["encoder.0", "encoder.2"],
            ["encoder.0.bias", "encoder.0.weight", "encoder.2.bias", "encoder.2.weight"],
        ),
        (["encoder"], ["encoder.0.bias", "encoder.0.weight", "encoder.2.bias", "encoder.2.weight"]),
        ([], []),
    ]
    for prefixes, expected in cases:
        torch.manual_seed(2)
        model = _TwoHeads()
        freeze(model, list(prefixes))
        expect_equal(
            sorted(_frozen_names(model)),
            expected,
            f"freeze(model, {prefixes}) 뒤 requires_grad=False인 매개변수 (fc1과 fc10은 다른 층입니다)",
        )
    # behaviour: a gradient step leaves frozen weights unchanged and changes the rest
    torch.manual_seed(3)
    model = _TwoHeads()
    freeze(model, ["fc1"])
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    x = torch.randn(8, 3)
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
