"""Exercise checkers for models/01 (linear models and MLPs)."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from aiotkit.exercises.core import expect, expect_close, expect_shape, register


@register("models/01", 1, "최소제곱 닫힌 해 (least_squares)")
def _check_least_squares(least_squares) -> None:
    generator = torch.Generator().manual_seed(11)
    cases = [
        ("n=50, d=3", 50, 3, 2.0),
        ("n=30, d=1", 30, 1, -5.0),
        ("n=4, d=3 (방정식 수 = 미지수 수)", 4, 3, 0.7),
        ("n=80, d=6, 큰 편향", 80, 6, 100.0),
    ]
    for label, n, d, bias in cases:
        X = torch.randn(n, d, generator=generator, dtype=torch.float64)
        w = torch.randn(d, generator=generator, dtype=torch.float64)
        y = X @ w + bias + 0.1 * torch.randn(n, generator=generator, dtype=torch.float64)
        A = torch.cat([X, torch.ones(n, 1, dtype=torch.float64)], dim=1)
        expected = torch.linalg.lstsq(A, y[:, None]).solution.flatten()
        X_in, y_in = X.clone(), y.clone()
        got = least_squares(X_in, y_in)
        what = f"{label}: (w_1..w_d, b)"
        expect(
            isinstance(got, torch.Tensor),
            f"{what}: 텐서를 반환해야 합니다 (got {type(got).__name__})",
        )
        expect_shape(got, (d + 1,), f"{what} — 편향을 마지막에 붙인 1차원 텐서")
        expect_close(got, expected, f"{what} (torch.linalg.lstsq와 비교)", atol=1e-6, rtol=1e-6)
        expect(
            torch.equal(X_in, X) and torch.equal(y_in, y),
            f"{label}: 입력 X, y를 바꾸면 안 됩니다",
        )
    # float32 입력도 받아야 합니다 (노트북의 데이터는 float32)
    X = torch.randn(40, 2, generator=generator)
    y = X @ torch.tensor([1.5, -0.5]) + 3.0
    got = least_squares(X, y)
    expect_close(
        got, torch.tensor([1.5, -0.5, 3.0]), "float32, 잡음 없는 y = 1.5x₁ − 0.5x₂ + 3", atol=1e-4
    )


@register("models/01", 2, "안정한 소프트맥스 교차 엔트로피 (softmax_cross_entropy)")
def _check_softmax_cross_entropy(softmax_cross_entropy) -> None:
    generator = torch.Generator().manual_seed(12)
    cases = [
        ("임의 로짓 (8, 5)", torch.randn(8, 5, generator=generator) * 2),
        ("샘플 1개, 클래스 3개", torch.tensor([[0.2, -1.0, 3.0]])),
        ("클래스 2개", torch.randn(6, 2, generator=generator)),
        ("큰 로짓 (±1000)", torch.tensor([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 999.0]])),
        ("모두 같은 로짓", torch.zeros(4, 10)),
    ]
    for label, logits in cases:
        n, k = logits.shape
        targets = torch.randint(0, k, (n,), generator=generator)
        if label.startswith("큰"):
            targets = torch.tensor([2, 2])  # 가장 작은 로짓이 정답 → 손실이 큼
        expected = F.cross_entropy(logits, targets)
        got = softmax_cross_entropy(logits.clone(), targets.clone())
        what = f"{label}: 평균 교차 엔트로피"
        expect(
            isinstance(got, torch.Tensor),
            f"{what}: 텐서를 반환해야 합니다 (got {type(got).__name__})",
        )
        expect(
            got.numel() == 1,
            f"{what}: 0차원 텐서(스칼라)를 기대했는데 모양 {tuple(got.shape)}을 받았습니다 — 평균을 내세요",
        )
        value = got.reshape(()).detach().double()
        expect(
            math.isfinite(value.item()),
            f"{what}: 값이 {value.item()}입니다. exp가 넘쳤나요? 최댓값을 빼는 요령(logsumexp)을 쓰세요",
        )
        expect_close(value, expected.double(), f"{what} (F.cross_entropy와 비교)", atol=1e-4)
    # 기울기가 흘러야 학습에 쓸 수 있습니다
    logits = torch.randn(5, 4, generator=generator, requires_grad=True)
    targets = torch.tensor([0, 1, 2, 3, 0])
    softmax_cross_entropy(logits, targets).reshape(()).backward()
    expected_grad = (torch.softmax(logits.detach(), 1) - F.one_hot(targets, 4)) / 5
    expect(
        logits.grad is not None,
        "로짓에 대한 기울기가 없습니다 (detach했거나 NumPy로 계산했나요?)",
    )
    expect_close(
        logits.grad, expected_grad, "로짓에 대한 기울기 (softmax − one_hot) / N", atol=1e-5
    )


def _train_on_xor(model: nn.Module, steps: int = 300, lr: float = 0.05) -> float:
    X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = torch.tensor([0.0, 1.0, 1.0, 0.0])
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        F.binary_cross_entropy_with_logits(model(X).reshape(-1), y).backward()
        optimizer.step()
    with torch.no_grad():
        return ((model(X).reshape(-1) > 0).float() == y).float().mean().item()


@register("models/01", 3, "XOR을 푸는 MLP (build_xor_mlp)")
def _check_build_xor_mlp(build_xor_mlp) -> None:
    with torch.random.fork_rng(devices=[]):  # 노트북의 난수 상태를 건드리지 않습니다
        for hidden, seed in [(8, 0), (8, 1), (16, 2)]:
            torch.manual_seed(seed)
            model = build_xor_mlp(hidden)
            what = f"build_xor_mlp({hidden}) (시드 {seed})"
            expect(
                isinstance(model, nn.Module),
                f"{what}: nn.Module을 반환해야 합니다 (got {type(model).__name__})",
            )
            params = list(model.parameters())
            expect(len(params) > 0, f"{what}: 학습할 매개변수가 없습니다")
            with torch.no_grad():
                out = model(torch.zeros(3, 2))
            expect_shape(out, (3, 1), f"{what}: 입력 (3, 2)의 출력")
            accuracy = _train_on_xor(model)
            expect(
                accuracy == 1.0,
                f"{what}: BCE + Adam(lr=0.05) 300스텝 학습 뒤 XOR 정확도 1.0을 기대했는데 "
                f"{accuracy:.2f}입니다. 선형 층 사이에 비선형 활성화(Tanh 등)가 있나요? "
                "출력에 시그모이드를 넣지 않았나요?",
            )
