"""Exercise checkers for basics/01 (tensors and autograd)."""

from __future__ import annotations

import dis
import math

import torch

from aiotkit.exercises.core import (
    _student_codes,
    expect,
    expect_close,
    expect_not_using,
    expect_shape,
    expect_type,
    expect_unchanged,
    register,
)


def _uses_loop(solution) -> bool:
    """True when the student's code (or a comprehension in it) contains a ``for`` loop.

    A private helper: core has no loop detector, and "반복문 없이" is this exercise's rule."""
    return any(
        instruction.opname == "FOR_ITER"
        for code in _student_codes(solution)
        for instruction in dis.get_instructions(code)
    )


def _recording(f):
    """Wrap ``f`` so that the checker can tell whether autograd was tracking its input."""
    calls: list[bool] = []

    def wrapped(x):
        calls.append(bool(getattr(x, "requires_grad", False)))
        return f(x)

    return wrapped, calls


@register("basics/01", 1, "autograd로 기울기 구하기 (grad_of)")
def _check_grad_of(grad_of) -> None:
    generator = torch.Generator().manual_seed(1)
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
        ("0차원 스칼라 x**3", lambda x: x**3, torch.tensor(2.0), lambda x: 3 * x**2),
        (
            "(2, 3) 행렬 x, x**2 * x.sum()",
            lambda x: x**2 * x.sum(),
            torch.randn(2, 3, generator=generator),
            lambda x: (x**2).sum() + 2 * x * x.sum(),
        ),
        (
            "float64 x, x.tanh()",
            torch.tanh,
            torch.randn(4, generator=generator, dtype=torch.float64),
            lambda x: 1 - torch.tanh(x) ** 2,
        ),
    ]
    for name, f, x, derivative in cases:
        x_before = x.clone()
        f_recorded, calls = _recording(f)
        got = grad_of(f_recorded, x)
        what = f"f(x) = {name}, x = {[round(v, 3) for v in x_before.flatten().tolist()]}"
        expect_type(got, "tensor", f"{what}: 반환값")
        expect(
            not got.requires_grad,
            f"{what}: 반환한 기울기는 그래프에서 떼어 낸(detach) 텐서여야 합니다",
        )
        expect_unchanged(x_before, x, f"{what}: 입력 x")
        expect(
            not x.requires_grad and x.grad is None,
            f"{what}: 입력 x에 requires_grad나 .grad를 남기면 안 됩니다 (복사본을 쓰세요)",
        )
        expect(
            any(calls),
            f"{what}: f를 기울기 추적(requires_grad=True) 중인 텐서로 부르지 않았습니다. "
            "수치 미분이 아니라 autograd로 구하세요",
        )
        expect_shape(got, tuple(x.shape), f"{what}: 기울기")
        expect_close(got, derivative(x_before), f"{what}: 기울기", atol=1e-5)


@register("basics/01", 2, "브로드캐스팅으로 거리 제곱 행렬 (pairwise_sq_distances)")
def _check_pairwise(pairwise_sq_distances) -> None:
    expect_not_using(
        pairwise_sq_distances,
        {"cdist": "torch.cdist", "pdist": "torch.pdist", "pairwise_distance": "pairwise_distance"},
        "거리 함수 없이 브로드캐스팅으로 계산합니다",
    )
    expect(
        not _uses_loop(pairwise_sq_distances),
        "규칙 위반: 반복문 없이 브로드캐스팅으로 계산합니다 — 코드에 for 문(또는 컴프리헨션)이 있습니다",
    )
    generator = torch.Generator().manual_seed(0)
    for n, m, d in [(3, 4, 2), (1, 5, 3), (6, 1, 1), (4, 4, 8), (5, 2, 3)]:
        a = torch.randn(n, d, generator=generator)
        b = torch.randn(m, d, generator=generator) + 0.5
        a_copy, b_copy = a.clone(), b.clone()
        what = f"a{tuple(a.shape)}, b{tuple(b.shape)}의 거리 제곱 행렬"
        got = pairwise_sq_distances(a, b)
        expect_type(got, "tensor", what)
        expect_unchanged(a_copy, a, f"{what}: 입력 a")
        expect_unchanged(b_copy, b, f"{what}: 입력 b")
        expected = ((a_copy[:, None, :] - b_copy[None, :, :]) ** 2).sum(-1)
        expect_close(got, expected, what, atol=1e-4)
    same = torch.tensor([[1.0, 2.0], [3.0, 4.0], [-1.0, 0.5]])
    expect_close(
        pairwise_sq_distances(same, same).diagonal(),
        torch.zeros(3),
        "자기 자신과의 거리(대각선)",
        atol=1e-4,
    )


def _gradient_descent(x: torch.Tensor, y: torch.Tensor, lr: float, steps: int):
    """Full-batch gradient descent on the mean squared error, from w = b = 0 (float64)."""
    x, y = x.double(), y.double()
    w = b = 0.0
    for _ in range(steps):
        residual = w * x + b - y
        w, b = w - lr * 2 * (residual * x).mean().item(), b - lr * 2 * residual.mean().item()
    return w, b


@register("basics/01", 3, "경사 하강법으로 직선 맞추기 (fit_line)")
def _check_fit_line(fit_line) -> None:
    expect_not_using(
        fit_line,
        {
            "lstsq": "lstsq",
            "pinv": "pinv",
            "inv": "inv",
            "solve": "solve",
            "polyfit": "np.polyfit",
            "LinearRegression": "LinearRegression",
        },
        "닫힌 해가 아니라 경사 하강법으로 구합니다",
    )
    generator = torch.Generator().manual_seed(1)
    cases = [  # (true w, true b, samples, lr, steps)
        (2.0, -1.0, 50, 0.1, 300),
        (-0.5, 3.0, 20, 0.05, 7),
        (0.0, 0.5, 30, 0.2, 1),
        (1.5, 0.25, 40, 0.02, 40),
    ]
    for true_w, true_b, n, lr, steps in cases:
        x = torch.linspace(-2, 2, n) + 0.3
        y = true_w * x + true_b + 0.05 * torch.randn(n, generator=generator)
        x_copy, y_copy = x.clone(), y.clone()
        what = f"y = {true_w}x + {true_b} + 잡음 ({n}개), lr={lr}, steps={steps}"
        got = fit_line(x, y, lr, steps)
        expect_unchanged(x_copy, x, f"{what}: 입력 x")
        expect_unchanged(y_copy, y, f"{what}: 입력 y")
        expect(
            isinstance(got, tuple) and len(got) == 2,
            f"{what}: (w, b) 두 값의 튜플을 반환해야 합니다 (받은 값 {type(got).__name__})",
        )
        expect_type(got[0], "float", f"{what}: w")
        expect_type(got[1], "float", f"{what}: b")
        w, b = float(got[0]), float(got[1])
        expect(math.isfinite(w) and math.isfinite(b), f"{what}: w, b가 유한해야 합니다 ({w}, {b})")
        expect_close(
            torch.tensor([w, b]),
            torch.tensor(_gradient_descent(x_copy, y_copy, lr, steps)),
            f"{what}: 0에서 시작해 정확히 steps번 갱신한 (w, b)",
            atol=1e-4,
        )
