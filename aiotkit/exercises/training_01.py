"""Exercise checkers for training/01 (optimizers)."""

from __future__ import annotations

import torch
from torch import nn

from aiotkit.exercises.core import expect, expect_close, register


def _grads(shape: tuple[int, ...], steps: int, seed: int) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    return [torch.randn(shape, generator=generator) for _ in range(steps)]


@register("training/01", 1, "SGD + 모멘텀 한 스텝 (sgd_momentum_step)")
def _check_sgd_momentum(sgd_momentum_step) -> None:
    for lr, momentum, shape in [(0.1, 0.9, (4,)), (0.05, 0.5, (2, 3)), (0.2, 0.0, (3,))]:
        start = torch.linspace(-1.0, 1.0, int(torch.tensor(shape).prod())).reshape(shape)
        reference = start.clone().requires_grad_(True)
        optimizer = torch.optim.SGD([reference], lr=lr, momentum=momentum)
        param, buf = start.clone(), None
        for step, grad in enumerate(_grads(shape, 5, seed=len(shape)), start=1):
            reference.grad = grad.clone()
            optimizer.step()
            result = sgd_momentum_step(param.clone(), grad.clone(), buf, lr, momentum)
            expect(
                isinstance(result, tuple) and len(result) == 2,
                "(new_param, new_buf) 두 값의 튜플을 반환해야 합니다",
            )
            param, buf = result
            expect_close(
                param,
                reference.detach(),
                f"lr={lr}, momentum={momentum}: {step}번째 스텝 뒤의 param",
                atol=1e-6,
            )


@register("training/01", 2, "Adam 한 스텝 (adam_step)")
def _check_adam(adam_step) -> None:
    for lr, betas, eps, scale in [
        (1e-2, (0.9, 0.999), 1e-8, 1.0),
        (1e-1, (0.8, 0.99), 1e-8, 1e-3),
        (1e-3, (0.9, 0.999), 1e-3, 1e-4),
    ]:
        shape = (5,)
        start = torch.tensor([0.5, -1.0, 2.0, 0.0, -0.3])
        reference = start.clone().requires_grad_(True)
        optimizer = torch.optim.Adam([reference], lr=lr, betas=betas, eps=eps)
        param, m, v = start.clone(), torch.zeros(shape), torch.zeros(shape)
        for step, grad in enumerate(_grads(shape, 6, seed=int(lr * 1000)), start=1):
            grad = grad * scale
            reference.grad = grad.clone()
            optimizer.step()
            result = adam_step(param.clone(), grad.clone(), m, v, step, lr, betas, eps)
            expect(
                isinstance(result, tuple) and len(result) == 3,
                "(new_param, new_m, new_v) 세 값의 튜플을 반환해야 합니다",
            )
            param, m, v = result
            expect_close(
                param,
                reference.detach(),
                f"lr={lr}, betas={betas}, eps={eps}, 기울기 크기 {scale}: {step}번째 스텝 뒤의 param",
                atol=1e-6,
            )


def _models() -> list[tuple[str, nn.Module]]:
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
    ]


@register("training/01", 3, "가중치 감쇠를 뺄 매개변수 그룹 (no_decay_param_groups)")
def _check_param_groups(no_decay_param_groups) -> None:
    for name, model in _models():
        groups = no_decay_param_groups(model, 0.05)
        expect(
            isinstance(groups, (list, tuple)) and len(groups) == 2,
            f"{name}: 그룹 두 개의 목록을 반환해야 합니다 (got {type(groups).__name__})",
        )
        expect(
            all(isinstance(g, dict) and "params" in g and "weight_decay" in g for g in groups),
            f"{name}: 각 그룹은 'params'와 'weight_decay'를 가진 dict여야 합니다",
        )
        decays = sorted(float(g["weight_decay"]) for g in groups)
        expect(
            decays == [0.0, 0.05],
            f"{name}: weight_decay가 0.0인 그룹과 0.05인 그룹이 필요합니다 (got {decays})",
        )
        by_decay = {float(g["weight_decay"]): list(g["params"]) for g in groups}
        seen = [id(p) for ps in by_decay.values() for p in ps]
        all_ids = {id(p) for p in model.parameters()}
        expect(
            len(seen) == len(set(seen)),
            f"{name}: 같은 매개변수가 두 번 들어갔습니다 (중복)",
        )
        expect(
            set(seen) == all_ids,
            f"{name}: 모든 매개변수가 정확히 한 번씩 들어가야 합니다 "
            f"(모델 {len(all_ids)}개, 받은 {len(set(seen))}개)",
        )
        wrong_decay = [
            n
            for n, p in model.named_parameters()
            if p.ndim < 2 and id(p) in map(id, by_decay[0.05])
        ]
        expect(
            not wrong_decay,
            f"{name}: 1차원 매개변수 {wrong_decay}에는 가중치 감쇠를 주면 안 됩니다",
        )
        wrong_free = [
            n
            for n, p in model.named_parameters()
            if p.ndim >= 2 and id(p) in map(id, by_decay[0.0])
        ]
        expect(
            not wrong_free,
            f"{name}: 가중치 행렬 {wrong_free}에는 가중치 감쇠를 주어야 합니다",
        )
        torch.optim.AdamW(groups, lr=1e-3)  # 옵티마이저가 받아들이는지
