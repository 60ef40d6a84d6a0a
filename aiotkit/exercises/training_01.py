"""Exercise checkers for training/01 (optimizers)."""

from __future__ import annotations

import torch
from torch import nn

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_type,
    expect_unchanged,
    register,
)


def _grads(shape: tuple[int, ...], steps: int, seed: int) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    return [torch.randn(shape, generator=generator) for _ in range(steps)]


def _call_pure(func, args: tuple, names: tuple[str, ...], what: str):
    """Call ``func`` on clones and fail when it changed one of its tensor inputs in place."""
    copies = [a.clone() if isinstance(a, torch.Tensor) else a for a in args]
    result = func(*copies)
    for name, before, after in zip(names, args, copies, strict=False):
        if isinstance(before, torch.Tensor):
            expect_unchanged(before, after, f"{what}: 입력 {name}")
    return result


@register("training/01", 1, "SGD + 모멘텀 한 스텝 (sgd_momentum_step)")
def _check_sgd_momentum(sgd_momentum_step) -> None:
    cases = [
        ([0.1, 0.1, 0.1, 0.1, 0.1], 0.9, (4,)),
        ([0.1, 0.02, 0.3, 0.05, 0.2], 0.9, (4,)),  # 스텝마다 다른 학습률
        ([0.05, 0.5, 0.01, 0.2], 0.5, (2, 3)),
        ([0.2, 0.05, 0.1], 0.0, (3,)),
    ]
    for seed, (lrs, momentum, shape) in enumerate(cases):
        start = torch.linspace(-1.0, 1.0, int(torch.tensor(shape).prod())).reshape(shape)
        reference = start.clone().requires_grad_(True)
        optimizer = torch.optim.SGD([reference], lr=lrs[0], momentum=momentum)
        param, buf = start.clone(), None
        for step, (lr, grad) in enumerate(
            zip(lrs, _grads(shape, len(lrs), seed), strict=True), start=1
        ):
            what = f"학습률 {lrs}, momentum={momentum}: {step}번째 스텝(lr={lr})"
            optimizer.param_groups[0]["lr"] = lr
            reference.grad = grad.clone()
            optimizer.step()
            result = _call_pure(
                sgd_momentum_step, (param, grad, buf, lr, momentum), ("param", "grad", "buf"), what
            )
            expect(
                isinstance(result, tuple) and len(result) == 2,
                f"{what}: (new_param, new_buf) 두 값의 튜플을 반환해야 합니다",
            )
            param, buf = result
            expect_type(param, "tensor", f"{what}의 new_param")
            expect_type(buf, "tensor", f"{what}의 new_buf")
            expect_close(param, reference.detach(), f"{what} 뒤의 param", atol=1e-6)
            expect_close(
                buf,
                optimizer.state[reference].get("momentum_buffer", grad),  # momentum=0: grad
                f"{what} 뒤의 모멘텀 버퍼 new_buf",
                atol=1e-6,
            )


@register("training/01", 2, "Adam 한 스텝 (adam_step)")
def _check_adam(adam_step) -> None:
    cases = [
        ([1e-2] * 6, (0.9, 0.999), 1e-8, 1.0),
        ([1e-1, 1e-2, 3e-1, 5e-2, 1e-3, 2e-1], (0.8, 0.99), 1e-8, 1e-3),
        ([1e-3, 5e-3, 1e-4, 2e-3, 1e-3, 1e-3], (0.9, 0.999), 1e-3, 1e-4),
    ]
    for seed, (lrs, betas, eps, scale) in enumerate(cases):
        shape = (5,)
        start = torch.tensor([0.5, -1.0, 2.0, 0.0, -0.3])
        reference = start.clone().requires_grad_(True)
        optimizer = torch.optim.Adam([reference], lr=lrs[0], betas=betas, eps=eps)
        param, m, v = start.clone(), torch.zeros(shape), torch.zeros(shape)
        for step, (lr, grad) in enumerate(
            zip(lrs, _grads(shape, len(lrs), 10 + seed), strict=True), start=1
        ):
            grad = grad * scale
            what = f"betas={betas}, eps={eps}, 기울기 크기 {scale}: {step}번째 스텝(lr={lr})"
            optimizer.param_groups[0]["lr"] = lr
            reference.grad = grad.clone()
            optimizer.step()
            result = _call_pure(
                adam_step,
                (param, grad, m, v, step, lr, betas, eps),
                ("param", "grad", "m", "v", "step", "lr", "betas", "eps"),
                what,
            )
            expect(
                isinstance(result, tuple) and len(result) == 3,
                f"{what}: (new_param, new_m, new_v) 세 값의 튜플을 반환해야 합니다",
            )
            param, m, v = result
            state = optimizer.state[reference]
            expect_close(param, reference.detach(), f"{what} 뒤의 param", atol=1e-6)
            expect_close(m, state["exp_avg"], f"{what} 뒤의 1차 모멘트 new_m", atol=1e-7)
            expect_close(v, state["exp_avg_sq"], f"{what} 뒤의 2차 모멘트 new_v", atol=1e-9)


def _models() -> list[tuple[str, nn.Module]]:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(3)
        return [
            (
                "Linear-BatchNorm1d-Linear",
                nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2)),
            ),
            (
                "Conv1d-LayerNorm-Linear(bias=False)",
                nn.Sequential(
                    nn.Conv1d(3, 4, 3), nn.LayerNorm(6), nn.Flatten(), nn.Linear(24, 2, bias=False)
                ),
            ),
            (
                "Embedding-Conv2d-GroupNorm",
                nn.Sequential(nn.Embedding(10, 4), nn.Conv2d(1, 2, 3), nn.GroupNorm(1, 2)),
            ),
        ]


@register("training/01", 3, "가중치 감쇠를 뺄 매개변수 그룹 (no_decay_param_groups)")
def _check_param_groups(no_decay_param_groups) -> None:
    for weight_decay, (name, model) in zip((0.05, 0.01, 0.1), _models(), strict=True):
        groups = no_decay_param_groups(model, weight_decay)
        expect(
            isinstance(groups, (list, tuple)) and len(groups) == 2,
            f"{name}: 그룹 두 개의 목록을 반환해야 합니다 (받은 값: {type(groups).__name__})",
        )
        expect(
            all(isinstance(g, dict) and "params" in g and "weight_decay" in g for g in groups),
            f"{name}: 각 그룹은 'params'와 'weight_decay'를 가진 dict여야 합니다",
        )
        # 옵티마이저가 받아들이는지 (params가 제너레이터여도 한 번만 읽습니다)
        optimizer = torch.optim.AdamW(list(groups), lr=1e-3)
        decays = sorted(float(g["weight_decay"]) for g in optimizer.param_groups)
        expect(
            decays == [0.0, weight_decay],
            f"{name}, weight_decay={weight_decay}: weight_decay가 0.0인 그룹과 "
            f"{weight_decay}인 그룹이 필요합니다 (받은 값 {decays})",
        )
        by_decay = {float(g["weight_decay"]): list(g["params"]) for g in optimizer.param_groups}
        seen = [id(p) for ps in by_decay.values() for p in ps]
        all_ids = {id(p) for p in model.parameters()}
        expect(len(seen) == len(set(seen)), f"{name}: 같은 매개변수가 두 번 들어갔습니다 (중복)")
        expect(
            set(seen) == all_ids,
            f"{name}: 모든 매개변수가 정확히 한 번씩 들어가야 합니다 "
            f"(모델 {len(all_ids)}개, 받은 {len(set(seen) & all_ids)}개)",
        )
        decayed = {id(p) for p in by_decay[weight_decay]}
        wrong_decay = [n for n, p in model.named_parameters() if p.ndim < 2 and id(p) in decayed]
        expect(
            not wrong_decay,
            f"{name}: 1차원 매개변수 {wrong_decay}에는 가중치 감쇠를 주면 안 됩니다",
        )
        wrong_free = [
            n for n, p in model.named_parameters() if p.ndim >= 2 and id(p) not in decayed
        ]
        expect(
            not wrong_free,
            f"{name}: 2차원 이상인 매개변수 {wrong_free}에는 가중치 감쇠를 주어야 합니다",
        )
