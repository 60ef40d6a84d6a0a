"""Reference solutions for models/01 (linear models and MLPs)."""

import torch
from torch import nn


def least_squares(X, y):
    A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)
    return torch.linalg.lstsq(A, y[:, None]).solution.flatten()


def softmax_cross_entropy(logits, targets):
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    return -log_probs[torch.arange(len(targets)), targets].mean()


def build_xor_mlp(hidden):
    return nn.Sequential(nn.Linear(2, hidden), nn.Tanh(), nn.Linear(hidden, 1))


def build_xor_mlp_relu(hidden):  # also correct: ReLU works as well with this recipe
    return nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, 1))


# --- plausible wrong answers ---
def least_squares_no_bias(X, y):  # forgets the column of ones
    return torch.linalg.lstsq(X, y[:, None]).solution.flatten()


def least_squares_bias_first(X, y):  # bias first instead of last
    A = torch.cat([torch.ones(len(X), 1, dtype=X.dtype), X], dim=1)
    return torch.linalg.lstsq(A, y[:, None]).solution.flatten()


def least_squares_few_gd_steps(X, y):  # gradient descent, not converged
    A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)
    theta = torch.zeros(A.shape[1], dtype=X.dtype)
    for _ in range(20):
        theta = theta - 0.1 * 2 / len(y) * A.T @ (A @ theta - y)
    return theta


def softmax_cross_entropy_naive(logits, targets):  # exp overflows for large logits
    probs = torch.exp(logits) / torch.exp(logits).sum(dim=1, keepdim=True)
    return -torch.log(probs[torch.arange(len(targets)), targets]).mean()


def softmax_cross_entropy_sum(logits, targets):  # sum instead of mean
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    return -log_probs[torch.arange(len(targets)), targets].sum()


def softmax_cross_entropy_wrong_dim(logits, targets):  # softmax over the batch axis
    log_probs = logits - torch.logsumexp(logits, dim=0, keepdim=True)
    return -log_probs[torch.arange(len(targets)), targets].mean()


def build_xor_mlp_no_activation(hidden):  # two linear layers collapse into one
    return nn.Sequential(nn.Linear(2, hidden), nn.Linear(hidden, 1))


def build_xor_single_layer(hidden):  # the perceptron of section 4
    return nn.Linear(2, 1)


def build_xor_mlp_sigmoid_output(hidden):  # sigmoid before a with-logits loss
    return nn.Sequential(nn.Linear(2, hidden), nn.Tanh(), nn.Linear(hidden, 1), nn.Sigmoid())


REFERENCE = {1: least_squares, 2: softmax_cross_entropy, 3: build_xor_mlp}
WRONG = {
    1: [least_squares_no_bias, least_squares_bias_first, least_squares_few_gd_steps],
    2: [
        softmax_cross_entropy_naive,
        softmax_cross_entropy_sum,
        softmax_cross_entropy_wrong_dim,
    ],
    3: [build_xor_mlp_no_activation, build_xor_single_layer, build_xor_mlp_sigmoid_output],
}
