"""Reference solutions for training/03 (regularization)."""

import torch
import torch.nn.functional as F


def l1_penalty(model):
    return sum(p.abs().sum() for p in model.parameters() if p.ndim >= 2)


def inverted_dropout(x, p, training):
    if not training or p == 0:
        return x
    if p >= 1:
        return torch.zeros_like(x)
    keep = (torch.rand_like(x) >= p).to(x.dtype)
    return x * keep / (1 - p)


def augment_sensor_batch(x, jitter_sigma, scale_sigma, generator):
    n, c, _ = x.shape
    factors = 1 + scale_sigma * torch.randn(n, c, 1, generator=generator)
    noise = jitter_sigma * torch.randn(x.shape, generator=generator)
    return x * factors + noise


# --- correct alternatives ---
def l1_concat_norm(model):  # one vector of all weight matrices, L1 norm
    weights = [p.flatten() for p in model.parameters() if p.dim() > 1]
    return torch.linalg.vector_norm(torch.cat(weights), ord=1)


def l1_loop(model):  # explicit loop from a zero tensor
    total = torch.zeros(())
    for _, p in model.named_parameters():
        if p.ndim >= 2:
            total = total + p.abs().sum()
    return total


def dropout_bernoulli(x, p, training):  # keep mask from torch.bernoulli
    if not training:
        return x
    if p == 1:
        return x * 0
    mask = torch.bernoulli(torch.full_like(x, 1 - p))
    return x * mask / (1 - p)


def dropout_where(x, p, training):  # torch.where with a uniform draw
    if not training or p == 0:
        return x.clone()
    keep = torch.empty_like(x).uniform_() < 1 - p
    scale = 0.0 if p >= 1 else 1 / (1 - p)
    return torch.where(keep, x * scale, torch.zeros_like(x))


def augment_loop(x, jitter_sigma, scale_sigma, generator):  # one sample at a time
    out = []
    for window in x:
        factors = torch.normal(1.0, scale_sigma, (window.shape[0], 1), generator=generator)
        noise = torch.normal(0.0, jitter_sigma, window.shape, generator=generator)
        out.append(window * factors + noise)
    return torch.stack(out)


def augment_normal_(x, jitter_sigma, scale_sigma, generator):  # in-place fills of new tensors
    factors = torch.empty(x.shape[0], x.shape[1], 1).normal_(1.0, scale_sigma, generator=generator)
    noise = torch.empty_like(x).normal_(0.0, jitter_sigma, generator=generator)
    return torch.addcmul(noise, x, factors)


# --- plausible wrong answers ---
def l1_includes_biases(model):  # penalises every parameter
    return sum(p.abs().sum() for p in model.parameters())


def l1_as_float(model):  # .item() cuts the graph
    return torch.tensor(sum(p.abs().sum().item() for p in model.parameters() if p.ndim >= 2))


def l1_python_float(model):  # returns a Python float
    return float(sum(p.detach().abs().sum() for p in model.parameters() if p.ndim >= 2))


def l1_squared(model):  # that is L2
    return sum((p**2).sum() for p in model.parameters() if p.ndim >= 2)


def l1_mean(model):  # mean of |w| instead of the sum
    return sum(p.abs().mean() for p in model.parameters() if p.ndim >= 2)


def l1_in_place_abs(model):  # abs_() overwrites the weights
    return sum(p.data.abs_().sum() + 0 * p.sum() for p in model.parameters() if p.ndim >= 2)


def dropout_no_rescale(x, p, training):  # expectation shrinks to (1 - p)
    if not training:
        return x
    return x * (torch.rand_like(x) >= p).to(x.dtype)


def dropout_keeps_with_p(x, p, training):  # keeps with probability p instead of 1 - p
    if not training or p == 0:
        return x
    if p >= 1:
        return torch.zeros_like(x)
    return x * (torch.rand_like(x) < p).to(x.dtype) / p


def dropout_divides_by_zero(x, p, training):  # p = 1 gives 0 / 0
    if not training:
        return x
    return x * (torch.rand_like(x) >= p).to(x.dtype) / (1 - p)


def dropout_library(x, p, training):  # not allowed by the task
    return F.dropout(x, p, training)


def dropout_in_place(x, p, training):  # multiplies the caller's tensor in place
    if not training or p == 0:
        return x
    if p >= 1:
        return x.zero_()
    return x.mul_((torch.rand_like(x) >= p).to(x.dtype) / (1 - p))


def dropout_fixed_seed(x, p, training):  # seeds inside: the same mask on every call
    if not training or p == 0:
        return x
    if p >= 1:
        return torch.zeros_like(x)
    generator = torch.Generator().manual_seed(0)
    keep = (torch.rand(x.shape, generator=generator) >= p).to(x.dtype)
    return x * keep / (1 - p)


def dropout_whole_rows(x, p, training):  # one draw per row (drops whole rows)
    if not training or p == 0:
        return x
    if p >= 1:
        return torch.zeros_like(x)
    keep = (torch.rand(x.shape[:-1] + (1,)) >= p).to(x.dtype) if x.ndim > 1 else None
    if keep is None:
        keep = (torch.rand_like(x) >= p).to(x.dtype)
    return x * keep / (1 - p)


def augment_factor_per_sample(x, jitter_sigma, scale_sigma, generator):  # channels share one
    factors = 1 + scale_sigma * torch.randn(x.shape[0], 1, 1, generator=generator)
    return x * factors + jitter_sigma * torch.randn(x.shape, generator=generator)


def augment_factor_per_channel(x, jitter_sigma, scale_sigma, generator):  # samples share one
    factors = 1 + scale_sigma * torch.randn(1, x.shape[1], 1, generator=generator)
    return x * factors + jitter_sigma * torch.randn(x.shape, generator=generator)


def augment_factor_per_element(x, jitter_sigma, scale_sigma, generator):  # not constant in time
    factors = 1 + scale_sigma * torch.randn(x.shape, generator=generator)
    return x * factors + jitter_sigma * torch.randn(x.shape, generator=generator)


def augment_without_one(x, jitter_sigma, scale_sigma, generator):  # factor sigma * z, no 1 +
    factors = scale_sigma * torch.randn(x.shape[0], x.shape[1], 1, generator=generator)
    return x * factors + jitter_sigma * torch.randn(x.shape, generator=generator)


def augment_jitter_first(x, jitter_sigma, scale_sigma, generator):  # noise is scaled too
    noisy = x + jitter_sigma * torch.randn(x.shape, generator=generator)
    factors = 1 + scale_sigma * torch.randn(x.shape[0], x.shape[1], 1, generator=generator)
    return noisy * factors


def augment_in_place(x, jitter_sigma, scale_sigma, generator):  # changes the caller's batch
    factors = 1 + scale_sigma * torch.randn(x.shape[0], x.shape[1], 1, generator=generator)
    return x.mul_(factors).add_(jitter_sigma * torch.randn(x.shape, generator=generator))


def augment_global_rng(x, jitter_sigma, scale_sigma, generator):  # ignores the generator
    factors = 1 + scale_sigma * torch.randn(x.shape[0], x.shape[1], 1)
    return x * factors + jitter_sigma * torch.randn(x.shape)


def augment_shared_noise(x, jitter_sigma, scale_sigma, generator):  # one noise for every sample
    factors = 1 + scale_sigma * torch.randn(x.shape[0], x.shape[1], 1, generator=generator)
    return x * factors + jitter_sigma * torch.randn(x.shape[1:], generator=generator)


REFERENCE = {1: l1_penalty, 2: inverted_dropout, 3: augment_sensor_batch}
WRONG = {
    1: [l1_includes_biases, l1_as_float, l1_python_float, l1_squared, l1_mean, l1_in_place_abs],
    2: [
        dropout_no_rescale,
        dropout_keeps_with_p,
        dropout_divides_by_zero,
        dropout_library,
        dropout_in_place,
        dropout_fixed_seed,
        dropout_whole_rows,
    ],
    3: [
        augment_factor_per_sample,
        augment_factor_per_channel,
        augment_factor_per_element,
        augment_without_one,
        augment_jitter_first,
        augment_in_place,
        augment_global_rng,
        augment_shared_noise,
    ],
}
ALTERNATIVES = {
    1: [l1_concat_norm, l1_loop],
    2: [dropout_bernoulli, dropout_where],
    3: [augment_loop, augment_normal_],
}
