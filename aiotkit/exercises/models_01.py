"""Exercise checkers for models/01 (linear models and MLPs)."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_not_using,
    expect_shape,
    expect_type,
    expect_unchanged,
    register,
)

_CLOSED_FORM = {
    "lstsq": "torch.linalg.lstsq",
    "solve": "torch.linalg.solve",
    "inv": "torch.linalg.inv",
    "inverse": "torch.inverse",
    "pinv": "torch.linalg.pinv",
    "pinverse": "torch.pinverse",
    "cholesky_solve": "torch.cholesky_solve",
    "solve_triangular": "torch.linalg.solve_triangular",
    "svd": "torch.linalg.svd",
    "qr": "torch.linalg.qr",
    "LinearRegression": "sklearn LinearRegression",
    "Ridge": "sklearn Ridge",
}


def _ridge_gd_reference(X, y, alpha, lr, steps):
    A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)
    mask = torch.ones(A.shape[1], dtype=X.dtype)
    mask[-1] = 0.0  # 편향은 벌점에서 뺍니다
    theta = torch.zeros(A.shape[1], dtype=X.dtype)
    for _ in range(steps):
        theta = theta - lr * (2 / len(y) * A.T @ (A @ theta - y) + 2 * alpha * mask * theta)
    return theta


@register("models/01", 1, "경사 하강법으로 릿지 회귀 (ridge_gradient_descent)")
def _check_ridge_gradient_descent(ridge_gradient_descent) -> None:
    expect_not_using(
        ridge_gradient_descent,
        _CLOSED_FORM,
        "닫힌 해(lstsq·solve·inv·pinv 등) 없이 경사 하강법으로",
    )
    generator = torch.Generator().manual_seed(11)
    cases = [  # (설명, n, d, alpha, lr, steps, 편향)
        ("n=50, d=3, alpha=0.1, 1스텝", 50, 3, 0.1, 0.1, 1, 2.0),
        ("n=30, d=2, alpha=0.5, 3스텝", 30, 2, 0.5, 0.05, 3, -5.0),
        ("n=40, d=4, alpha=0 (보통의 최소제곱), 4스텝", 40, 4, 0.0, 0.1, 4, 1.0),
        ("n=80, d=5, alpha=1.0, 큰 편향, 2000스텝", 80, 5, 1.0, 0.1, 2000, 50.0),
        ("n=60, d=1, alpha=0.05, 3000스텝", 60, 1, 0.05, 0.2, 3000, 3.0),
    ]
    for label, n, d, alpha, lr, steps, bias in cases:
        X = torch.randn(n, d, generator=generator, dtype=torch.float64)
        w = torch.randn(d, generator=generator, dtype=torch.float64) * 2
        y = X @ w + bias + 0.1 * torch.randn(n, generator=generator, dtype=torch.float64)
        expected = _ridge_gd_reference(X, y, alpha, lr, steps)
        X_in, y_in = X.clone(), y.clone()
        got = ridge_gradient_descent(X_in, y_in, alpha, lr, steps)
        what = f"{label}, lr={lr}: (w_1..w_d, b)"
        expect_type(got, "tensor", what)
        expect_shape(got, (d + 1,), f"{what} — 편향을 마지막에 붙인 1차원 텐서")
        expect_close(
            got.detach(),
            expected,
            f"{what} (0에서 출발해 정확히 {steps}번 갱신한 값과 비교)",
            atol=1e-6,
            rtol=1e-5,
        )
        expect_unchanged(X, X_in, f"{label}: 입력 X")
        expect_unchanged(y, y_in, f"{label}: 입력 y")
        if steps >= 1000:  # 충분히 갱신하면 릿지의 닫힌 해에 다다라야 합니다
            A = torch.cat([X, torch.ones(n, 1, dtype=X.dtype)], dim=1)
            penalty = torch.eye(d + 1, dtype=X.dtype) * alpha * n
            penalty[-1, -1] = 0.0
            closed = torch.linalg.solve(A.T @ A + penalty, A.T @ y)
            expect_close(got.detach(), closed, f"{what} (릿지 닫힌 해와 비교)", atol=1e-4)
    # float32 입력도 받아야 합니다 (노트북의 데이터는 float32)
    X = torch.randn(40, 2, generator=generator)
    y = X @ torch.tensor([1.5, -0.5]) + 3.0
    got = ridge_gradient_descent(X, y, 0.0, 0.1, 1500)
    expect_type(got, "tensor", "float32 입력")
    expect_close(
        got.detach(),
        torch.tensor([1.5, -0.5, 3.0]),
        "float32, 잡음 없는 y = 1.5x₁ − 0.5x₂ + 3, alpha=0, 1500스텝",
        atol=1e-3,
    )


@register("models/01", 2, "안정한 소프트맥스 교차 엔트로피 (softmax_cross_entropy)")
def _check_softmax_cross_entropy(softmax_cross_entropy) -> None:
    expect_not_using(
        softmax_cross_entropy,
        {
            "cross_entropy": "F.cross_entropy",
            "CrossEntropyLoss": "nn.CrossEntropyLoss",
            "log_softmax": "log_softmax",
            "LogSoftmax": "nn.LogSoftmax",
            "logsumexp": "torch.logsumexp",
            "nll_loss": "F.nll_loss",
            "NLLLoss": "nn.NLLLoss",
        },
        "F.cross_entropy·log_softmax·logsumexp 없이 최댓값을 빼는 요령을 직접",
    )
    generator = torch.Generator().manual_seed(12)
    cases = [
        ("임의 로짓 (8, 5)", torch.randn(8, 5, generator=generator) * 2, None),
        ("샘플 1개, 클래스 3개", torch.tensor([[0.2, -1.0, 3.0]]), None),
        ("클래스 2개", torch.randn(6, 2, generator=generator), None),
        (
            "큰 로짓 (±1000)",
            torch.tensor([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 999.0]]),
            torch.tensor([2, 2]),  # 가장 작은 로짓이 정답 → 손실이 큼
        ),
        (
            "행마다 최댓값이 크게 다른 로짓 (1000 근처 행과 0 근처 행)",
            torch.tensor([[1000.0, 998.0, 990.0], [1.0, -2.0, 0.5], [-500.0, -503.0, -499.0]]),
            torch.tensor([1, 0, 2]),
        ),
        ("모두 같은 로짓", torch.zeros(4, 10), None),
        ("float64 로짓 (5, 7)", torch.randn(5, 7, generator=generator, dtype=torch.float64), None),
    ]
    for label, logits, targets in cases:
        n, k = logits.shape
        if targets is None:
            targets = torch.randint(0, k, (n,), generator=generator)
        expected = F.cross_entropy(logits.double(), targets)
        logits_in, targets_in = logits.clone(), targets.clone()
        got = softmax_cross_entropy(logits_in, targets_in)
        what = f"{label}: 평균 교차 엔트로피"
        expect_type(got, "tensor", what)
        expect(
            got.numel() == 1,
            f"{what}: 0차원 텐서(스칼라)를 기대했는데 모양 {tuple(got.shape)}을 받았습니다 — 평균을 내세요",
        )
        value = got.reshape(()).detach().double()
        expect(
            math.isfinite(value.item()),
            f"{what}: 값이 {value.item()}입니다. exp가 넘쳤거나 log(0)이 되었나요? "
            "샘플(행)마다 그 행의 최댓값을 빼세요",
        )
        expect_close(value, expected, f"{what} (F.cross_entropy와 비교)", atol=1e-4)
        expect_unchanged(logits, logits_in, f"{label}: 입력 logits")
        expect_unchanged(targets, targets_in, f"{label}: 입력 targets")
    # 기울기가 흘러야 학습에 쓸 수 있습니다
    logits = torch.randn(5, 4, generator=generator, requires_grad=True)
    targets = torch.tensor([0, 1, 2, 3, 0])
    loss = softmax_cross_entropy(logits, targets)
    expect_type(loss, "tensor", "기울기 테스트의 반환값")
    expect(
        loss.requires_grad,
        "로짓에 대한 기울기가 없습니다 (detach했거나 .item()·NumPy로 계산했나요?)",
    )
    loss.reshape(()).backward()
    expected_grad = (torch.softmax(logits.detach(), 1) - F.one_hot(targets, 4)) / 5
    expect(logits.grad is not None, "로짓에 대한 기울기가 없습니다")
    expect_close(
        logits.grad, expected_grad, "로짓에 대한 기울기 (softmax − one_hot) / N", atol=1e-5
    )


_XOR_X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
_XOR_Y = torch.tensor([0.0, 1.0, 1.0, 0.0])
_XOR_SEEDS = (0, 1, 2, 3, 4, 5)


def _train_on_xor(model: nn.Module, steps: int = 300, lr: float = 0.05) -> float:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # 매개변수 9개: 스레드 하나가 가장 빠릅니다
    try:
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        for _ in range(steps):
            optimizer.zero_grad()
            F.binary_cross_entropy_with_logits(model(_XOR_X).reshape(-1), _XOR_Y).backward()
            optimizer.step()
        with torch.no_grad():
            return ((model(_XOR_X).reshape(-1) > 0).float() == _XOR_Y).float().mean().item()
    finally:
        torch.set_num_threads(threads)


@register("models/01", 3, "은닉 뉴런 2개로 XOR 학습 (build_xor_mlp2)")
def _check_build_xor_mlp2(build_xor_mlp2) -> None:
    expect_not_using(
        build_xor_mlp2,
        {
            "manual_seed": "torch.manual_seed",
            "seed_everything": "seed_everything",
            "fork_rng": "torch.random.fork_rng",
            "set_rng_state": "torch.set_rng_state",
        },
        "함수 안에서 시드를 고정하지 말고 전역 난수로 초기화",
    )
    models = []
    for seed in _XOR_SEEDS:
        with torch.random.fork_rng(devices=[]):  # 노트북의 난수 상태를 건드리지 않습니다
            torch.manual_seed(seed)
            model = build_xor_mlp2()
        what = f"build_xor_mlp2() (시드 {seed})"
        expect(
            isinstance(model, nn.Module),
            f"{what}: nn.Module을 반환해야 합니다 (got {type(model).__name__})",
        )
        n_params = sum(p.numel() for p in model.parameters())
        expect(
            n_params == 9,
            f"{what}: 매개변수가 {n_params}개입니다. 2 → 은닉 2 → 1 (편향 포함)이면 "
            "2·2 + 2 + 2 + 1 = 9개여야 합니다 — 은닉 뉴런은 정확히 2개",
        )
        with torch.no_grad():
            out = model(torch.zeros(3, 2))
        expect_shape(out, (3, 1), f"{what}: 입력 (3, 2)의 출력")
        models.append((what, model))
    initial = [
        torch.cat([p.detach().flatten() for p in model.parameters()]) for _, model in models[:2]
    ]
    expect(
        not torch.equal(initial[0], initial[1]),
        "시드 0과 1에서 만든 모델의 초기 가중치가 똑같습니다. 가중치를 고정값으로 정하지 말고 "
        "무작위로 초기화하세요 (초기값의 분포나 평균을 정하는 것은 괜찮습니다)",
    )
    for what, model in models:
        accuracy = _train_on_xor(model)
        expect(
            accuracy == 1.0,
            f"{what}: BCE + Adam(lr=0.05) 300스텝 학습 뒤 XOR 정확도 1.0을 기대했는데 "
            f"{accuracy:.2f}입니다. 은닉 뉴런이 2개뿐이면 어떤 시드에서는 학습이 국소 최솟값에 "
            "갇히거나 ReLU 뉴런이 죽습니다 — 활성화 함수와 초기화를 다시 고르세요 "
            "(출력에 시그모이드를 넣지 않았는지도 확인하세요)",
        )
