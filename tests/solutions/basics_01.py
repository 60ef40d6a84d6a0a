"""Reference solutions for basics/01 (tensors and autograd)."""

import torch


def grad_of(f, x):
    x = x.clone().requires_grad_(True)
    f(x).sum().backward()
    return x.grad.detach()


def pairwise_sq_distances(a, b):
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1)


def fit_line(x, y, lr, steps):
    w = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for _ in range(steps):
        loss = ((w * x + b - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
            w.grad.zero_()
            b.grad.zero_()
    return w.item(), b.item()


# --- plausible wrong answers ---
def grad_of_returns_value(f, x):  # returns f(x), not its gradient
    return f(x).detach()


def grad_of_no_sum(f, x):  # backward on a non-scalar without a gradient argument
    x = x.clone().requires_grad_(True)
    f(x).backward()
    return x.grad


def pairwise_no_square(a, b):  # Euclidean distance, not squared
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1).sqrt()


def pairwise_elementwise(a, b):  # forgets broadcasting: only works when n == m
    return ((a - b) ** 2).sum(dim=-1)


def fit_line_no_zero_grad(x, y, lr, steps):  # gradients accumulate
    w = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for _ in range(steps):
        loss = ((w * x + b - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
    return w.item(), b.item()


def fit_line_too_few_steps(x, y, lr, steps):  # ignores the step budget
    return fit_line(x, y, lr, 3)


REFERENCE = {1: grad_of, 2: pairwise_sq_distances, 3: fit_line}
WRONG = {
    1: [grad_of_returns_value, grad_of_no_sum],
    2: [pairwise_no_square, pairwise_elementwise],
    3: [fit_line_no_zero_grad, fit_line_too_few_steps],
}
