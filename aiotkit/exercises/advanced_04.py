"""Exercise checkers for advanced/04 (distributed training)."""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DistributedSampler

from aiotkit.exercises.core import expect, expect_close, expect_equal, register


@register("advanced/04", 1, "DistributedSampler의 몫 계산 (sampler_indices)")
def _check_sampler_indices(sampler_indices) -> None:
    cases = [
        dict(n=10, world_size=3),
        dict(n=10, world_size=3, drop_last=True),
        dict(n=7, world_size=4),
        dict(n=2, world_size=5),  # padding longer than the data: repeated several times
        dict(n=8, world_size=2),
        dict(n=12, world_size=2, shuffle=True, seed=3, epoch=1),
        dict(n=13, world_size=4, shuffle=True, seed=0, epoch=2),
        dict(n=13, world_size=4, shuffle=True, seed=7, epoch=0, drop_last=True),
    ]
    for case in cases:
        case = {"shuffle": False, "seed": 0, "epoch": 0, "drop_last": False, **case}
        n, world_size = case["n"], case["world_size"]
        for rank in range(world_size):
            sampler = DistributedSampler(
                range(n),
                num_replicas=world_size,
                rank=rank,
                shuffle=case["shuffle"],
                seed=case["seed"],
                drop_last=case["drop_last"],
            )
            sampler.set_epoch(case["epoch"])
            expected = list(sampler)
            got = sampler_indices(
                n,
                world_size,
                rank,
                shuffle=case["shuffle"],
                seed=case["seed"],
                epoch=case["epoch"],
                drop_last=case["drop_last"],
            )
            expect(got is not None, f"{case}, rank={rank}: 리스트를 반환해야 합니다 (got None)")
            got = [int(i) for i in got]
            expect_equal(got, expected, f"{case}, rank={rank}의 인덱스")


def _grads(seed: int, world_size: int) -> list[dict[str, torch.Tensor]]:
    g = torch.Generator().manual_seed(seed)
    shapes = {"layer.weight": (3, 2), "layer.bias": (3,), "head.weight": (1, 3)}
    return [
        {name: torch.randn(shape, generator=g) for name, shape in shapes.items()}
        for _ in range(world_size)
    ]


@register("advanced/04", 2, "all_reduce 평균 흉내 (all_reduce_mean)")
def _check_all_reduce_mean(all_reduce_mean) -> None:
    for seed, world_size in [(0, 2), (1, 4), (2, 1), (3, 3)]:
        per_rank = _grads(seed, world_size)
        before = [{k: v.clone() for k, v in grads.items()} for grads in per_rank]
        got = all_reduce_mean(per_rank)
        expect(
            isinstance(got, list | tuple) and len(got) == world_size,
            f"랭크 {world_size}개: 랭크 수만큼의 사전 리스트를 반환해야 합니다 "
            f"(got {type(got).__name__} of length {len(got) if hasattr(got, '__len__') else '?'})",
        )
        for name in per_rank[0]:
            expected = torch.stack([grads[name] for grads in before]).mean(0)
            for rank, grads in enumerate(got):
                expect(
                    name in grads, f"랭크 {rank}의 결과에 '{name}'이 없습니다 (got {list(grads)})"
                )
                expect_close(
                    grads[name],
                    expected,
                    f"랭크 {world_size}개 중 랭크 {rank}의 '{name}' 평균",
                    atol=1e-6,
                )
        for rank, (grads, original) in enumerate(zip(per_rank, before, strict=True)):
            for name in original:
                expect(
                    torch.equal(grads[name], original[name]),
                    f"입력(랭크 {rank}의 '{name}')이 바뀌었습니다: 새 텐서를 만드세요",
                )


class _BatchSizeSpy(nn.Module):
    """A small model that remembers the largest batch it was called with."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        torch.manual_seed(seed)
        self.net = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3))
        self.largest_batch = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.largest_batch = max(self.largest_batch, len(x))
        return self.net(x)


@register("advanced/04", 3, "기울기 누적 (accumulated_grads)")
def _check_accumulated_grads(accumulated_grads) -> None:
    loss_fn = nn.CrossEntropyLoss()
    for seed, n, micro_batches in [(0, 12, 3), (1, 16, 4), (2, 8, 1), (3, 10, 5)]:
        g = torch.Generator().manual_seed(seed)
        x = torch.randn(n, 5, generator=g)
        y = torch.randint(0, 3, (n,), generator=g)
        reference = _BatchSizeSpy(seed)
        loss_fn(reference(x), y).backward()
        expected = {name: p.grad.clone() for name, p in reference.named_parameters()}
        model = _BatchSizeSpy(seed)
        got = accumulated_grads(model, loss_fn, x.clone(), y.clone(), micro_batches)
        expect(
            isinstance(got, dict),
            f"{{이름: 기울기}} 사전을 반환해야 합니다 (got {type(got).__name__})",
        )
        expect_equal(
            sorted(got), sorted(expected), f"n={n}, micro_batches={micro_batches}: 매개변수 이름"
        )
        for name, grad in expected.items():
            expect_close(
                got[name],
                grad,
                f"n={n}, micro_batches={micro_batches}: '{name}'의 누적 기울기 (전체 배치 기울기와 비교)",
                atol=1e-5,
            )
        expect(
            model.largest_batch <= n // micro_batches,
            f"n={n}, micro_batches={micro_batches}: 모델이 한 번에 {model.largest_batch}개를 봤습니다; "
            f"{n // micro_batches}개씩 나눠 계산해야 합니다",
        )
