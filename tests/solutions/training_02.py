"""Reference solutions for training/02 (loss functions)."""

import torch
import torch.nn.functional as F


def huber_loss(pred, target, delta):
    r = (pred - target).abs()
    return torch.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)).mean()


def focal_loss(logits, targets, gamma, alpha):
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    loss = (1 - torch.exp(-ce)) ** gamma * ce
    if alpha is not None:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return loss.mean()


def cross_entropy_from_logits(logits, targets):
    picked = logits.gather(1, targets[:, None]).squeeze(1)
    return (torch.logsumexp(logits, dim=1) - picked).mean()


# --- plausible wrong answers ---
def huber_is_half_mse(pred, target, delta):  # quadratic everywhere
    return (0.5 * (pred - target) ** 2).mean()


def huber_wrong_linear_part(pred, target, delta):  # forgets the -delta/2 offset
    r = (pred - target).abs()
    return torch.where(r <= delta, 0.5 * r**2, delta * r).mean()


def huber_uses_library(pred, target, delta):  # not allowed by the task
    return F.huber_loss(pred, target, delta=delta)


def focal_naive_sigmoid(logits, targets, gamma, alpha):  # log of a saturated sigmoid
    p = torch.sigmoid(logits)
    p_t = targets * p + (1 - targets) * (1 - p)
    loss = -((1 - p_t) ** gamma) * torch.log(p_t)
    if alpha is not None:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return loss.mean()


def focal_alpha_for_all(logits, targets, gamma, alpha):  # alpha on every sample
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    loss = (1 - torch.exp(-ce)) ** gamma * ce
    return ((alpha if alpha is not None else 1.0) * loss).mean()


def cross_entropy_naive(logits, targets):  # exp overflows for large logits
    probs = logits.exp() / logits.exp().sum(dim=1, keepdim=True)
    return -probs[torch.arange(len(targets)), targets].log().mean()


def cross_entropy_library(logits, targets):  # not allowed by the task
    return F.cross_entropy(logits, targets)


def cross_entropy_max_logit(logits, targets):  # forgets to pick the target class
    return (torch.logsumexp(logits, dim=1) - logits.max(dim=1).values).mean()


REFERENCE = {1: huber_loss, 2: focal_loss, 3: cross_entropy_from_logits}
WRONG = {
    1: [huber_is_half_mse, huber_wrong_linear_part, huber_uses_library],
    2: [focal_naive_sigmoid, focal_alpha_for_all],
    3: [cross_entropy_naive, cross_entropy_library, cross_entropy_max_logit],
}
