"""Reference, wrong and alternative answers for models/01 (linear models and MLPs)."""

import torch
import torch.nn.functional as F
from torch import nn


def ridge_gradient_descent(X, y, alpha, lr, steps):
    A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)
    mask = torch.ones(A.shape[1], dtype=X.dtype)
    mask[-1] = 0.0  # the bias is not penalised
    theta = torch.zeros(A.shape[1], dtype=X.dtype)
    for _ in range(steps):
        grad = 2 / len(y) * A.T @ (A @ theta - y) + 2 * alpha * mask * theta
        theta = theta - lr * grad
    return theta


def softmax_cross_entropy(logits, targets):
    m = logits.max(dim=1, keepdim=True).values
    log_norm = m + torch.log(torch.exp(logits - m).sum(dim=1, keepdim=True))
    log_probs = logits - log_norm
    return -log_probs[torch.arange(len(targets)), targets].mean()


def build_xor_mlp2():
    return nn.Sequential(nn.Linear(2, 2), nn.GELU(), nn.Linear(2, 1))


# --- correct alternatives ---
def ridge_autograd(X, y, alpha, lr, steps):  # autograd computes the same gradient
    w = torch.zeros(X.shape[1], dtype=X.dtype, requires_grad=True)
    b = torch.zeros((), dtype=X.dtype, requires_grad=True)
    for _ in range(steps):
        loss = ((X @ w + b - y) ** 2).mean() + alpha * (w**2).sum()
        gw, gb = torch.autograd.grad(loss, [w, b])
        with torch.no_grad():
            w -= lr * gw
            b -= lr * gb
    return torch.cat([w.detach(), b.detach().reshape(1)])


def ridge_sgd_weight_decay(X, y, alpha, lr, steps):  # SGD weight_decay=2·alpha on w only
    linear = nn.Linear(X.shape[1], 1).to(X.dtype)
    nn.init.zeros_(linear.weight)
    nn.init.zeros_(linear.bias)
    optimizer = torch.optim.SGD(
        [
            {"params": [linear.weight], "weight_decay": 2 * alpha},
            {"params": [linear.bias], "weight_decay": 0.0},
        ],
        lr=lr,
    )
    for _ in range(steps):
        optimizer.zero_grad()
        F.mse_loss(linear(X).squeeze(1), y).backward()
        optimizer.step()
    return torch.cat([linear.weight.detach().flatten(), linear.bias.detach()])


def ridge_separate_bias(X, y, alpha, lr, steps):  # w and b updated as separate tensors
    n = len(y)
    w = torch.zeros(X.shape[1], dtype=X.dtype)
    b = torch.zeros((), dtype=X.dtype)
    for _ in range(steps):
        residual = X @ w + b - y
        w, b = w - lr * (2 / n * X.T @ residual + 2 * alpha * w), b - lr * 2 * residual.mean()
    return torch.cat([w, b.reshape(1)])


def softmax_ce_gather(logits, targets):  # amax + gather
    shifted = logits - logits.amax(dim=1, keepdim=True)
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    return -log_probs.gather(1, targets[:, None]).mean()


def softmax_ce_loop(logits, targets):  # one sample at a time
    losses = []
    for row, t in zip(logits, targets, strict=True):
        m = row.max()
        losses.append(m + torch.log(torch.exp(row - m).sum()) - row[t])
    return torch.stack(losses).mean()


def softmax_ce_one_hot(logits, targets):  # one-hot instead of indexing
    m = logits.max(dim=1, keepdim=True).values.detach()
    log_probs = logits - (m + (logits - m).exp().sum(1, keepdim=True).log())
    return -(F.one_hot(targets, logits.shape[1]) * log_probs).sum(1).mean()


class _XorElu(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(2, 2)
        self.out = nn.Linear(2, 1)

    def forward(self, x):
        return self.out(F.elu(self.hidden(x)))


def build_xor_mlp2_elu_class():  # ELU never dies, written as a class
    return _XorElu()


class _XorGeluParams(nn.Module):  # raw parameters, GELU
    def __init__(self):
        super().__init__()
        self.hidden, self.out = nn.Linear(2, 2), nn.Linear(2, 1)
        self.w1, self.b1 = self.hidden.weight, self.hidden.bias
        self.w2, self.b2 = self.out.weight, self.out.bias
        del self.hidden, self.out

    def forward(self, x):
        return F.gelu(x @ self.w1.T + self.b1) @ self.w2.T + self.b2


def build_xor_mlp2_raw_parameters():
    return _XorGeluParams()


# --- plausible wrong answers ---
def ridge_lstsq(X, y, alpha, lr, steps):  # rule: closed form instead of gradient descent
    A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)
    penalty = torch.eye(A.shape[1], dtype=X.dtype) * alpha * len(y)
    penalty[-1, -1] = 0.0
    return torch.linalg.solve(A.T @ A + penalty, A.T @ y)


def ridge_penalises_bias(X, y, alpha, lr, steps):  # value: the bias is shrunk too
    A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)
    theta = torch.zeros(A.shape[1], dtype=X.dtype)
    for _ in range(steps):
        theta = theta - lr * (2 / len(y) * A.T @ (A @ theta - y) + 2 * alpha * theta)
    return theta


def ridge_no_factor_two(X, y, alpha, lr, steps):  # value: d/dθ of the mean square lacks the 2
    A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)
    mask = torch.ones(A.shape[1], dtype=X.dtype)
    mask[-1] = 0.0
    theta = torch.zeros(A.shape[1], dtype=X.dtype)
    for _ in range(steps):
        theta = theta - lr * (1 / len(y) * A.T @ (A @ theta - y) + alpha * mask * theta)
    return theta


def ridge_one_step_too_many(X, y, alpha, lr, steps):  # value: range(steps + 1)
    return ridge_gradient_descent(X, y, alpha, lr, steps + 1)


def ridge_ignores_alpha(X, y, alpha, lr, steps):  # value: plain least squares
    return ridge_gradient_descent(X, y, 0.0, lr, steps)


def ridge_centres_in_place(
    X, y, alpha, lr, steps
):  # effect + value: centres the caller's X in place (and changes the path)
    mean = X.mean(dim=0)
    X -= mean
    theta = ridge_gradient_descent(X, y, alpha, lr, steps)
    X += mean
    theta[-1] -= theta[:-1] @ mean
    return theta


def ridge_returns_list(X, y, alpha, lr, steps):  # type: a list of floats
    return ridge_gradient_descent(X, y, alpha, lr, steps).tolist()


def softmax_cross_entropy_naive(logits, targets):  # value: exp overflows for large logits
    probs = torch.exp(logits) / torch.exp(logits).sum(dim=1, keepdim=True)
    return -torch.log(probs[torch.arange(len(targets)), targets]).mean()


def softmax_cross_entropy_sum(logits, targets):  # value: sum instead of mean
    return softmax_cross_entropy(logits, targets) * len(targets)


def softmax_cross_entropy_wrong_dim(logits, targets):  # value: max and sum over the batch axis
    m = logits.max(dim=0, keepdim=True).values
    log_probs = logits - (m + torch.log(torch.exp(logits - m).sum(dim=0, keepdim=True)))
    return -log_probs[torch.arange(len(targets)), targets].mean()


def softmax_cross_entropy_global_max(logits, targets):  # value: one max for the whole batch
    m = logits.max()
    log_probs = logits - (m + torch.log(torch.exp(logits - m).sum(dim=1, keepdim=True)))
    return -log_probs[torch.arange(len(targets)), targets].mean()


def softmax_cross_entropy_logsumexp(logits, targets):  # rule: torch.logsumexp
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    return -log_probs[torch.arange(len(targets)), targets].mean()


def softmax_cross_entropy_method(logits, targets):  # rule: tensor method .log_softmax()
    return -logits.log_softmax(1)[torch.arange(len(targets)), targets].mean()


def softmax_cross_entropy_in_place(logits, targets):  # effect: shifts the caller's logits
    logits -= logits.max(dim=1, keepdim=True).values
    log_probs = logits - torch.log(torch.exp(logits).sum(dim=1, keepdim=True))
    return -log_probs[torch.arange(len(targets)), targets].mean()


def softmax_cross_entropy_item(logits, targets):  # type: a float, the graph is lost
    return softmax_cross_entropy(logits, targets).item()


def build_xor_mlp2_tanh(hidden=2):  # value: default-initialised Tanh gets stuck on some seeds
    return nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))


def build_xor_mlp2_relu():  # value: a dead ReLU leaves one hidden unit — not enough
    return nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))


def build_xor_mlp2_eight_hidden():  # rule: 8 hidden units (the model of section 5)
    return nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))


def build_xor_mlp2_no_activation():  # value: two linear layers collapse into one
    return nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))


def build_xor_mlp2_sigmoid_output():  # value: sigmoid before a with-logits loss
    return nn.Sequential(nn.Linear(2, 2), nn.GELU(), nn.Linear(2, 1), nn.Sigmoid())


def build_xor_mlp2_lucky_seed():  # rule: fixes a seed that happens to work
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))


def build_xor_mlp2_hand_weights():  # rule: copies section 5's weights, nothing left to learn
    model = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[1.0, 1.0], [1.0, 1.0]]))
        model[0].bias.copy_(torch.tensor([-0.5, -1.5]))
        model[2].weight.copy_(torch.tensor([[2.0, -4.0]]))
        model[2].bias.fill_(-0.5)
    return model


REFERENCE = {1: ridge_gradient_descent, 2: softmax_cross_entropy, 3: build_xor_mlp2}
WRONG = {
    1: [
        ridge_lstsq,
        ridge_penalises_bias,
        ridge_no_factor_two,
        ridge_one_step_too_many,
        ridge_ignores_alpha,
        ridge_centres_in_place,
        ridge_returns_list,
    ],
    2: [
        softmax_cross_entropy_naive,
        softmax_cross_entropy_sum,
        softmax_cross_entropy_wrong_dim,
        softmax_cross_entropy_global_max,
        softmax_cross_entropy_logsumexp,
        softmax_cross_entropy_method,
        softmax_cross_entropy_in_place,
        softmax_cross_entropy_item,
    ],
    3: [
        build_xor_mlp2_tanh,
        build_xor_mlp2_relu,
        build_xor_mlp2_eight_hidden,
        build_xor_mlp2_no_activation,
        build_xor_mlp2_sigmoid_output,
        build_xor_mlp2_lucky_seed,
        build_xor_mlp2_hand_weights,
    ],
}
ALTERNATIVES = {
    1: [ridge_autograd, ridge_sgd_weight_decay, ridge_separate_bias],
    2: [softmax_ce_gather, softmax_ce_loop, softmax_ce_one_hot],
    3: [build_xor_mlp2_elu_class, build_xor_mlp2_raw_parameters],
}
