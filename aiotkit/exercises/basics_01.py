"""Exercise checkers for basics/01 (tensors and autograd)."""

from __future__ import annotations

import math

import torch

from aiotkit.exercises.core import expect, expect_close, register


@register("basics/01", 1, "autograd로 기울기 구하기 (grad_of)")
def _check_grad_of(grad_of) -> None:
    cases = [
        (
            "x**2 + 2x + 1",
            lambda x: x**2 + 2 * x + 1,
            torch.tensor([1.0, 2.0, 3.0]),
            lambda x: 2 * x + 2,
        ),
        ("sin(x)", torch.sin, torch.linspace(-3, 3, 7), torch.cos),
        (
            "exp(x) * x",
            lambda x: torch.exp(x) * x,
            torch.tensor([-1.0, 0.0, 0.5]),
            lambda x: torch.exp(x) * (x + 1),
        ),
        ("0-차원 스칼라 x**3", lambda x: x**3, torch.tensor(2.0), lambda x: 3 * x**2),
    ]
    for name, f, x, derivative in cases:
        x_before = x.clone()
        got = grad_of(f, x)
        expect(
            isinstance(got, torch.Tensor),
            f"f(x) = {name}: 텐서를 반환해야 합니다 (got {type(got).__name__})",
        )
        expect(
            not got.requires_grad,
            f"f(x) = {name}: 반환한 기울기는 그래프에서 떼어낸(detach) 텐서여야 합니다",
        )
        expect_close(
            got,
            derivative(x_before),
            f"f(x) = {name}, x = {x_before.tolist()}의 기울기",
            atol=1e-5,
        )
        expect(
            torch.equal(x, x_before) and not x.requires_grad,
            f"f(x) = {name}: 입력 x를 바꾸면 안 됩니다 (x.clone().requires_grad_()를 쓰세요)",
        )


@register("basics/01", 2, "브로드캐스팅으로 거리 행렬 (pairwise_sq_distances)")
def _check_pairwise(pairwise_sq_distances) -> None:
    generator = torch.Generator().manual_seed(0)
    for n, m, d in [(3, 4, 2), (1, 5, 3), (6, 1, 1), (4, 4, 8)]:
        a = torch.randn(n, d, generator=generator)
        b = torch.randn(m, d, generator=generator)
        expected = ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)
        got = pairwise_sq_distances(a, b)
        expect_close(
            got, expected, f"a{tuple(a.shape)}, b{tuple(b.shape)}의 거리 제곱 행렬", atol=1e-5
        )
    same = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    expect_close(
        pairwise_sq_distances(same, same).diagonal(),
        torch.zeros(2),
        "자기 자신과의 거리(대각선)",
        atol=1e-6,
    )


@register("basics/01", 3, "경사 하강법으로 직선 맞추기 (fit_line)")
def _check_fit_line(fit_line) -> None:
    generator = torch.Generator().manual_seed(1)
    for true_w, true_b in [(2.0, -1.0), (-0.5, 3.0), (0.0, 0.5)]:
        x = torch.linspace(-2, 2, 50)
        y = true_w * x + true_b + 0.05 * torch.randn(50, generator=generator)
        design = torch.stack([x, torch.ones_like(x)], dim=1)
        best = torch.linalg.lstsq(design, y[:, None]).solution.flatten()
        got = fit_line(x.clone(), y.clone(), 0.1, 300)
        expect(isinstance(got, tuple) and len(got) == 2, "(w, b) 두 값의 튜플을 반환해야 합니다")
        w, b = (float(v) for v in got)
        expect(math.isfinite(w) and math.isfinite(b), f"w, b가 유한해야 합니다 (got {w}, {b})")
        expect_close(
            torch.tensor([w, b]),
            best,
            f"y = {true_w}x + {true_b} + 잡음 에 맞춘 (w, b) (최소제곱 해와 비교)",
            atol=1e-2,
        )
