"""Reference solutions for training/02 (loss functions)."""

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.functional import huber_loss as torch_huber  # imported before the check
from torch.nn.functional import log_softmax as lsm  # imported before the check


def huber_loss(pred, target, delta):
    r = (pred - target).abs()
    return torch.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)).mean()


def focal_loss(logits, targets, gamma, alpha):
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    loss = (1 - torch.exp(-ce)) ** gamma * ce
    if alpha is not None:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return loss.mean()


def label_smoothing_cross_entropy(logits, targets, smoothing):
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    num_classes = logits.shape[1]
    q = torch.full_like(log_probs, smoothing / num_classes)
    q[torch.arange(len(targets)), targets] += 1 - smoothing
    return -(q * log_probs).sum(dim=1).mean()


# --- correct alternatives ---
def huber_clamp(pred, target, delta):  # quadratic part up to delta, linear beyond
    r = (pred - target).abs()
    quad = r.clamp(max=delta)
    return (0.5 * quad**2 + delta * (r - quad)).mean()


def huber_masks(pred, target, delta):  # boolean masks instead of torch.where
    r = (pred - target).abs()
    small = (r <= delta).float()
    return (small * 0.5 * r**2 + (1 - small) * delta * (r - 0.5 * delta)).sum() / r.numel()


def focal_logsigmoid(logits, targets, gamma, alpha):  # log p_t from logsigmoid
    log_pt = targets * F.logsigmoid(logits) + (1 - targets) * F.logsigmoid(-logits)
    loss = -((1 - log_pt.exp()) ** gamma) * log_pt
    if alpha is not None:
        loss = loss * torch.where(targets == 1, alpha, 1 - alpha)
    return loss.mean()


def focal_torchvision_style(logits, targets, gamma, alpha):  # p from sigmoid, ce stable
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * (1 - p_t) ** gamma
    if alpha is not None:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return loss.mean()


def smoothing_row_max(logits, targets, smoothing):  # each row's own max, NLL + uniform term
    shifted = logits - logits.amax(dim=1, keepdim=True)
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    nll = -log_probs.gather(1, targets[:, None]).squeeze(1)
    uniform = -log_probs.mean(dim=1)
    return ((1 - smoothing) * nll + smoothing * uniform).mean()


def smoothing_one_hot(logits, targets, smoothing):  # F.one_hot target distribution
    num_classes = logits.shape[-1]
    q = (1 - smoothing) * F.one_hot(targets, num_classes).float() + smoothing / num_classes
    log_probs = logits - logits.logsumexp(-1, keepdim=True)
    return torch.mean(torch.sum(-q * log_probs, dim=-1))


# --- plausible wrong answers ---
def huber_is_half_mse(pred, target, delta):  # quadratic everywhere
    return (0.5 * (pred - target) ** 2).mean()


def huber_wrong_linear_part(pred, target, delta):  # forgets the -delta/2 offset
    r = (pred - target).abs()
    return torch.where(r <= delta, 0.5 * r**2, delta * r).mean()


def huber_uses_library(pred, target, delta):  # not allowed by the task
    return F.huber_loss(pred, target, delta=delta)


def huber_imported_early(pred, target, delta):  # library function imported under another name
    return torch_huber(pred, target, delta=delta)


def huber_module(pred, target, delta):  # nn.HuberLoss is not allowed either
    return nn.HuberLoss(delta=delta)(pred, target)


def huber_no_abs(pred, target, delta):  # large negative residuals stay quadratic
    r = pred - target
    return torch.where(r <= delta, 0.5 * r**2, delta * (r.abs() - 0.5 * delta)).mean()


def huber_in_place(pred, target, delta):  # overwrites pred with the residual
    r = pred.sub_(target).abs_()
    return torch.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)).mean()


def huber_as_float(pred, target, delta):  # returns a Python float
    r = (pred - target).abs()
    return torch.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)).mean().item()


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


def focal_alpha_swapped(logits, targets, gamma, alpha):  # alpha on the negatives
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    loss = (1 - torch.exp(-ce)) ** gamma * ce
    if alpha is not None:
        loss = ((1 - alpha) * targets + alpha * (1 - targets)) * loss
    return loss.mean()


def focal_wrong_modulation(logits, targets, gamma, alpha):  # p_t ** gamma instead of (1 - p_t)
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    loss = torch.exp(-ce) ** gamma * ce
    if alpha is not None:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return loss.mean()


def focal_sum(logits, targets, gamma, alpha):  # sum instead of mean
    return focal_loss(logits, targets, gamma, alpha) * logits.numel()


def focal_in_place(logits, targets, gamma, alpha):  # clamps the caller's logits in place
    logits.clamp_(-20, 20)
    return focal_naive_sigmoid(logits, targets, gamma, alpha)


def smoothing_library(logits, targets, smoothing):  # not allowed by the task
    return F.cross_entropy(logits, targets, label_smoothing=smoothing)


def smoothing_tensor_method(logits, targets, smoothing):  # .log_softmax() is log_softmax too
    log_probs = logits.log_softmax(dim=1)
    nll = -log_probs.gather(1, targets[:, None]).squeeze(1)
    return ((1 - smoothing) * nll - smoothing * log_probs.mean(dim=1)).mean()


def smoothing_imported_early(logits, targets, smoothing):  # log_softmax imported as lsm
    log_probs = lsm(logits, dim=1)
    nll = -log_probs.gather(1, targets[:, None]).squeeze(1)
    return ((1 - smoothing) * nll - smoothing * log_probs.mean(dim=1)).mean()


def smoothing_batch_max(logits, targets, smoothing):  # one max for the whole batch
    shifted = logits - logits.max()
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    nll = -log_probs.gather(1, targets[:, None]).squeeze(1)
    return ((1 - smoothing) * nll - smoothing * log_probs.mean(dim=1)).mean()


def smoothing_naive_exp(logits, targets, smoothing):  # exp overflows for large logits
    log_probs = (logits.exp() / logits.exp().sum(dim=1, keepdim=True)).log()
    nll = -log_probs.gather(1, targets[:, None]).squeeze(1)
    return ((1 - smoothing) * nll - smoothing * log_probs.mean(dim=1)).mean()


def smoothing_other_classes(logits, targets, smoothing):  # eps / (C - 1) on the wrong classes
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    num_classes = logits.shape[1]
    q = torch.full_like(log_probs, smoothing / (num_classes - 1))
    q[torch.arange(len(targets)), targets] = 1 - smoothing
    return -(q * log_probs).sum(dim=1).mean()


def smoothing_scales_nll(logits, targets, smoothing):  # forgets the uniform part
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    nll = -log_probs.gather(1, targets[:, None]).squeeze(1)
    return ((1 - smoothing) * nll).mean()


def smoothing_in_place(logits, targets, smoothing):  # shifts the caller's logits in place
    logits -= logits.amax(dim=1, keepdim=True)
    return smoothing_row_max(logits, targets, smoothing)


REFERENCE = {1: huber_loss, 2: focal_loss, 3: label_smoothing_cross_entropy}
WRONG = {
    1: [
        huber_is_half_mse,
        huber_wrong_linear_part,
        huber_uses_library,
        huber_imported_early,
        huber_module,
        huber_no_abs,
        huber_in_place,
        huber_as_float,
    ],
    2: [
        focal_naive_sigmoid,
        focal_alpha_for_all,
        focal_alpha_swapped,
        focal_wrong_modulation,
        focal_sum,
        focal_in_place,
    ],
    3: [
        smoothing_library,
        smoothing_tensor_method,
        smoothing_imported_early,
        smoothing_batch_max,
        smoothing_naive_exp,
        smoothing_other_classes,
        smoothing_scales_nll,
        smoothing_in_place,
    ],
}
ALTERNATIVES = {
    1: [huber_clamp, huber_masks],
    2: [focal_logsigmoid, focal_torchvision_style],
    3: [smoothing_row_max, smoothing_one_hot],
}
