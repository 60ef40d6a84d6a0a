"""Reference solutions for basics/01 (tensors and autograd)."""

import numpy as np
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


# --- correct answers written differently ---
def grad_of_autograd_grad(f, x):  # torch.autograd.grad instead of backward
    x = x.detach().clone().requires_grad_()
    (grad,) = torch.autograd.grad(f(x).sum(), x)
    return grad


def grad_of_backward_ones(f, x):  # backward with an explicit gradient of ones
    leaf = torch.tensor(x.tolist(), dtype=x.dtype, requires_grad=True)
    y = f(leaf)
    y.backward(torch.ones_like(y))
    return leaf.grad


def grad_of_func(f, x):  # torch.func.grad
    return torch.func.grad(lambda t: f(t).sum())(x)


def pairwise_expanded(a, b):  # |a|² + |b|² − 2 a·b, still broadcasting
    return (a**2).sum(1)[:, None] + (b**2).sum(1)[None, :] - 2 * a @ b.T


def pairwise_unsqueeze(a, b):
    diff = a.unsqueeze(1) - b.unsqueeze(0)
    return diff.pow(2).sum(dim=2)


def fit_line_manual_gradient(x, y, lr, steps):  # gradients written out, no autograd
    w, b = 0.0, 0.0
    for _ in range(steps):
        residual = w * x + b - y
        w, b = w - lr * 2 * (residual * x).mean().item(), b - lr * 2 * residual.mean().item()
    return w, b


def fit_line_optimizer(x, y, lr, steps):  # torch.optim.SGD does the same update
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(w * x + b, y).backward()
        optimizer.step()
    return w.item(), b.item()


def fit_line_numpy(x, y, lr, steps):  # NumPy, float64
    xs, ys = x.numpy().astype(np.float64), y.numpy().astype(np.float64)
    w = b = np.float64(0.0)
    for _ in range(steps):
        residual = w * xs + b - ys
        w, b = w - lr * 2 * np.mean(residual * xs), b - lr * 2 * np.mean(residual)
    return w, b


# --- plausible wrong answers ---
def grad_of_returns_value(f, x):  # returns f(x), not its gradient
    return f(x).detach()


def grad_of_mean(f, x):  # mean instead of sum: right only for a 0-d x
    x = x.clone().requires_grad_(True)
    f(x).mean().backward()
    return x.grad


def grad_of_modifies_input(f, x):  # turns on requires_grad on the caller's tensor
    x.requires_grad_(True)
    f(x).sum().backward()
    return x.grad.detach().clone()


def grad_of_create_graph(f, x):  # the gradient stays attached to a graph
    x = x.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    return grad


def grad_of_numpy(f, x):  # returns a NumPy array
    x = x.clone().requires_grad_(True)
    f(x).sum().backward()
    return x.grad.numpy()


def grad_of_finite_difference(f, x):  # numerical derivative, not autograd
    h = 1e-6
    x64 = x.detach().double()
    grads = torch.zeros_like(x64)
    flat = grads.view(-1)
    for i in range(x64.numel()):
        step = torch.zeros_like(x64).view(-1)
        step[i] = h
        step = step.view_as(x64)
        flat[i] = (f(x64 + step).sum() - f(x64 - step).sum()) / (2 * h)
    return grads.to(x.dtype)


def pairwise_no_square(a, b):  # Euclidean distance, not squared
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1).sqrt()


def pairwise_elementwise(a, b):  # forgets broadcasting: only works when n == m
    return ((a - b) ** 2).sum(dim=-1)


def pairwise_cdist(a, b):  # breaks the rule: a library distance function
    return torch.cdist(a, b) ** 2


def pairwise_loop(a, b):  # breaks the rule: a Python loop over the rows
    return torch.stack([((row - b) ** 2).sum(dim=1) for row in a])


def pairwise_mean(a, b):  # mean over the features instead of the sum
    return ((a[:, None, :] - b[None, :, :]) ** 2).mean(dim=-1)


def pairwise_transposed(a, b):  # (m, n) instead of (n, m)
    return ((b[:, None, :] - a[None, :, :]) ** 2).sum(dim=-1)


def pairwise_in_place(a, b):  # unsqueeze_ changes the caller's tensor
    a.unsqueeze_(1)
    out = ((a - b[None, :, :]) ** 2).sum(dim=-1)
    return out


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


def fit_line_lstsq(x, y, lr, steps):  # breaks the rule: closed-form least squares
    design = torch.stack([x, torch.ones_like(x)], dim=1)
    w, b = torch.linalg.lstsq(design, y[:, None]).solution.flatten()
    return w.item(), b.item()


def fit_line_returns_tensors(x, y, lr, steps):  # 0-d tensors, not Python floats
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    for _ in range(steps):
        ((w * x + b - y) ** 2).mean().backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
            w.grad.zero_()
            b.grad.zero_()
    return w.detach(), b.detach()


def fit_line_sum_loss(x, y, lr, steps):  # sum of squares: the step is n times too large
    w = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for _ in range(steps):
        ((w * x + b - y) ** 2).sum().backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
            w.grad.zero_()
            b.grad.zero_()
    return w.item(), b.item()


def fit_line_centres_input(x, y, lr, steps):  # centres x in place (and answers another question)
    x -= x.mean()
    return fit_line(x, y, lr, steps)


REFERENCE = {1: grad_of, 2: pairwise_sq_distances, 3: fit_line}
WRONG = {
    1: [  # the first one must fail with a value message (test_check_prints_korean_verdicts)
        grad_of_mean,
        grad_of_returns_value,
        grad_of_modifies_input,
        grad_of_create_graph,
        grad_of_numpy,
        grad_of_finite_difference,
    ],
    2: [
        pairwise_no_square,
        pairwise_elementwise,
        pairwise_cdist,
        pairwise_loop,
        pairwise_mean,
        pairwise_transposed,
        pairwise_in_place,
    ],
    3: [
        fit_line_no_zero_grad,
        fit_line_too_few_steps,
        fit_line_lstsq,
        fit_line_returns_tensors,
        fit_line_sum_loss,
        fit_line_centres_input,
    ],
}
ALTERNATIVES = {
    1: [grad_of_autograd_grad, grad_of_backward_ones, grad_of_func],
    2: [pairwise_expanded, pairwise_unsqueeze],
    3: [fit_line_manual_gradient, fit_line_optimizer, fit_line_numpy],
}
