"""Exercise checkers for advanced/04 (distributed training)."""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.utils.data import DistributedSampler

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_equal,
    expect_shape,
    expect_type,
    expect_unchanged,
    is_integer,
    register,
)


@register("advanced/04", 1, "DistributedSampler의 몫 계산 (sampler_indices)")
def _check_sampler_indices(sampler_indices) -> None:
    cases = [
        dict(n=10, world_size=3),  # 나누어떨어지지 않음: 앞의 2개를 반복
        dict(n=10, world_size=3, drop_last=True),
        dict(n=7, world_size=4),
        dict(n=2, world_size=5),  # padding longer than the data: repeated several times
        dict(n=8, world_size=2),  # 나누어떨어짐: 채우지도 버리지도 않음
        dict(n=9, world_size=1),
        dict(n=1, world_size=3),
        dict(n=17, world_size=6, drop_last=True),
        dict(n=12, world_size=2, shuffle=True, seed=3, epoch=1),
        dict(n=13, world_size=4, shuffle=True, seed=0, epoch=2),
        dict(n=3, world_size=8, shuffle=True, seed=5, epoch=4),
        dict(n=13, world_size=4, shuffle=True, seed=7, epoch=0, drop_last=True),
        dict(n=20, world_size=7, shuffle=True, seed=1, epoch=3, drop_last=True),
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
            what = ", ".join(f"{k}={v}" for k, v in case.items()) + f", rank={rank}"
            expect_type(got, "list", f"{what}: 반환값")
            bad = next((i for i in got if not is_integer(i)), None)
            expect(
                bad is None,
                f"{what}: 원소는 정수(int)여야 합니다 (받은 원소 {type(bad).__name__})",
            )
            expect_equal(len(got), len(expected), f"{what}: 인덱스 개수")
            expect_equal([int(i) for i in got], expected, f"{what}의 인덱스")


def _grads(seed: int, world_size: int, dtype: torch.dtype) -> list[dict[str, torch.Tensor]]:
    g = torch.Generator().manual_seed(seed)
    shapes = {"layer.weight": (3, 2), "layer.bias": (3,), "head.weight": (1, 3), "scale": ()}
    return [
        {name: torch.randn(shape, generator=g, dtype=dtype) for name, shape in shapes.items()}
        for _ in range(world_size)
    ]


@register("advanced/04", 2, "all_reduce 평균 흉내 (all_reduce_mean)")
def _check_all_reduce_mean(all_reduce_mean) -> None:
    cases = [(0, 2, torch.float32), (1, 4, torch.float32), (2, 1, torch.float32)]
    cases += [(3, 3, torch.float64), (4, 5, torch.float32), (5, 7, torch.float64)]
    for seed, world_size, dtype in cases:
        per_rank = _grads(seed, world_size, dtype)
        before = [{k: v.clone() for k, v in grads.items()} for grads in per_rank]
        got = all_reduce_mean(per_rank)
        what = f"랭크 {world_size}개 ({str(dtype).removeprefix('torch.')})"
        expect_type(got, "list", f"{what}: 반환값")
        expect_equal(len(got), world_size, f"{what}: 반환한 사전의 수")
        for rank, (grads, original) in enumerate(zip(per_rank, before, strict=True)):
            expect_equal(sorted(grads), sorted(original), f"{what}: 입력(랭크 {rank})의 키")
            for name in original:
                expect_unchanged(
                    original[name], grads[name], f"{what}: 입력(랭크 {rank}의 '{name}')"
                )
        for name in before[0]:
            expected = torch.stack([grads[name] for grads in before]).double().mean(0)
            for rank, grads in enumerate(got):
                expect_type(grads, "dict", f"{what}: 랭크 {rank}의 결과")
                expect(
                    name in grads,
                    f"{what}: 랭크 {rank}의 결과에 '{name}'이 없습니다 (받은 키 {list(grads)})",
                )
                expect_type(grads[name], "tensor", f"{what}: 랭크 {rank}의 '{name}'")
                expect_shape(grads[name], tuple(expected.shape), f"{what}: 랭크 {rank}의 '{name}'")
                expect_equal(grads[name].dtype, dtype, f"{what}: 랭크 {rank}의 '{name}'의 dtype")
                expect_close(
                    grads[name], expected, f"{what}: 랭크 {rank}의 '{name}' 평균", atol=1e-6
                )


class _BatchSizeSpy(nn.Module):
    """A small model that remembers the largest batch it was called with."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        with torch.random.fork_rng(devices=[]):  # 노트북의 난수 상태를 건드리지 않습니다
            torch.manual_seed(seed)
            self.net = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3))
        self.largest_batch = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.largest_batch = max(self.largest_batch, len(x))
        return self.net(x)


@register("advanced/04", 3, "기울기 누적 (accumulated_grads)")
def _check_accumulated_grads(accumulated_grads) -> None:
    loss_fn = nn.CrossEntropyLoss()
    cases = [(0, 12, 3), (1, 16, 4), (2, 8, 1), (3, 10, 4), (4, 7, 3), (5, 9, 9), (6, 11, 2)]
    for seed, n, micro_batches in cases:
        g = torch.Generator().manual_seed(seed)
        x = torch.randn(n, 5, generator=g)
        y = torch.randint(0, 3, (n,), generator=g)
        x_copy, y_copy = x.clone(), y.clone()
        reference = _BatchSizeSpy(seed)
        loss_fn(reference(x), y).backward()
        expected = {name: p.grad.clone() for name, p in reference.named_parameters()}
        model = _BatchSizeSpy(seed)
        stale = torch.Generator().manual_seed(100 + seed)
        for p in model.parameters():  # 이전 스텝의 기울기가 남아 있는 모델
            p.grad = torch.randn(p.shape, generator=stale)
        limit = math.ceil(n / micro_batches)
        what = f"n={n}, micro_batches={micro_batches}"
        got = accumulated_grads(model, loss_fn, x, y, micro_batches)
        expect_unchanged(x_copy, x, f"{what}: 입력 x")
        expect_unchanged(y_copy, y, f"{what}: 입력 y")
        expect_type(got, "dict", f"{what}: {{이름: 기울기}} 반환값")
        expect_equal(sorted(got), sorted(expected), f"{what}: 매개변수 이름")
        for name, grad in expected.items():
            expect_close(
                got[name],
                grad,
                f"{what}: '{name}'의 누적 기울기 (전체 배치 한 번의 기울기와 비교)",
                atol=1e-5,
            )
        expect(
            model.largest_batch <= limit,
            f"{what}: 모델이 한 번에 {model.largest_batch}개를 봤습니다; "
            f"조각마다 최대 {limit}개씩 나눠 계산해야 합니다",
        )
