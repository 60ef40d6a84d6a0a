"""Reference solutions for training/04 (learning-rate scheduling)."""

import bisect
import math

import numpy as np
import torch
from torch.optim import lr_scheduler


def warmup_cosine_lr(epoch, base_lr, warmup_epochs, total_epochs, min_lr=0.0):
    if epoch < warmup_epochs:
        return base_lr * (epoch + 1) / warmup_epochs
    if epoch >= total_epochs:
        return min_lr
    progress = (epoch - warmup_epochs) / (total_epochs - warmup_epochs)
    return min_lr + (base_lr - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))


def multistep_lr(epoch, base_lr, milestones, gamma):
    return base_lr * gamma ** bisect.bisect_right(sorted(milestones), epoch)


def make_warmup_cosine_scheduler(optimizer, warmup_epochs, total_epochs):
    return lr_scheduler.LambdaLR(
        optimizer, lambda epoch: warmup_cosine_lr(epoch, 1.0, warmup_epochs, total_epochs)
    )


# --- correct alternatives ---
def warmup_cosine_clamped(epoch, base_lr, warmup_epochs, total_epochs, min_lr=0.0):
    if epoch < warmup_epochs:  # clamp the progress instead of a separate branch
        return base_lr * (epoch + 1) / warmup_epochs
    progress = min((epoch - warmup_epochs) / max(total_epochs - warmup_epochs, 1), 1.0)
    return min_lr + (base_lr - min_lr) * (1 + math.cos(math.pi * progress)) / 2


def warmup_cosine_numpy(epoch, base_lr, warmup_epochs, total_epochs, min_lr=0.0):
    if epoch >= total_epochs:  # NumPy floats are real numbers too
        return np.float64(min_lr)
    if epoch < warmup_epochs:
        return np.float64(base_lr) * (epoch + 1) / warmup_epochs
    progress = (epoch - warmup_epochs) / (total_epochs - warmup_epochs)
    return min_lr + (base_lr - min_lr) * 0.5 * (1 + np.cos(np.pi * progress))


def multistep_loop(epoch, base_lr, milestones, gamma):  # multiply once per passed milestone
    lr = base_lr
    for milestone in milestones:
        if epoch >= milestone:
            lr *= gamma
    return lr


def multistep_searchsorted(epoch, base_lr, milestones, gamma):  # np.searchsorted count
    passed = np.searchsorted(np.asarray(milestones, dtype=float), epoch, side="right")
    return float(base_lr * gamma**passed)


def scheduler_per_group_lambdas(optimizer, warmup_epochs, total_epochs):  # one lambda per group
    def factor(epoch):
        return warmup_cosine_lr(epoch, 1.0, warmup_epochs, total_epochs)

    return lr_scheduler.LambdaLR(optimizer, [factor] * len(optimizer.param_groups))


class _WarmupCosineFactor:
    def __init__(self, warmup_epochs, total_epochs):
        self.warmup_epochs, self.total_epochs = warmup_epochs, total_epochs

    def __call__(self, epoch):
        if epoch < self.warmup_epochs:
            return (epoch + 1) / self.warmup_epochs
        progress = min((epoch - self.warmup_epochs) / (self.total_epochs - self.warmup_epochs), 1)
        return 0.5 * (1 + math.cos(math.pi * progress))


def scheduler_callable_class(optimizer, warmup_epochs, total_epochs):  # a callable object
    return lr_scheduler.LambdaLR(optimizer, _WarmupCosineFactor(warmup_epochs, total_epochs))


# --- plausible wrong answers ---
def warmup_starts_at_zero(epoch, base_lr, warmup_epochs, total_epochs, min_lr=0.0):
    if epoch < warmup_epochs:
        return base_lr * epoch / warmup_epochs  # the first epoch gets lr 0
    return warmup_cosine_lr(epoch, base_lr, warmup_epochs, total_epochs, min_lr)


def cosine_ignores_min_lr(epoch, base_lr, warmup_epochs, total_epochs, min_lr=0.0):
    return warmup_cosine_lr(epoch, base_lr, warmup_epochs, total_epochs, 0.0)


def cosine_over_total(epoch, base_lr, warmup_epochs, total_epochs, min_lr=0.0):
    if epoch < warmup_epochs:
        return base_lr * (epoch + 1) / warmup_epochs
    progress = min(epoch / total_epochs, 1.0)  # forgets to subtract the warm-up
    return min_lr + (base_lr - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))


def cosine_rises_after_end(epoch, base_lr, warmup_epochs, total_epochs, min_lr=0.0):
    if epoch < warmup_epochs:  # no epoch >= total_epochs branch: the cosine comes back up
        return base_lr * (epoch + 1) / warmup_epochs
    progress = (epoch - warmup_epochs) / (total_epochs - warmup_epochs)
    return min_lr + (base_lr - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))


def warmup_off_by_one(epoch, base_lr, warmup_epochs, total_epochs, min_lr=0.0):
    if epoch <= warmup_epochs and warmup_epochs > 0:  # one warm-up epoch too many
        return base_lr * (epoch + 1) / warmup_epochs
    return warmup_cosine_lr(epoch, base_lr, warmup_epochs, total_epochs, min_lr)


def warmup_cosine_tensor(epoch, base_lr, warmup_epochs, total_epochs, min_lr=0.0):
    return torch.tensor(warmup_cosine_lr(epoch, base_lr, warmup_epochs, total_epochs, min_lr))


def multistep_strict(epoch, base_lr, milestones, gamma):  # decays one epoch late
    return base_lr * gamma ** sum(1 for m in milestones if epoch > m)


def multistep_first_only(epoch, base_lr, milestones, gamma):  # decays once at most
    return base_lr * (gamma if any(epoch >= m for m in milestones) else 1.0)


def multistep_pops(epoch, base_lr, milestones, gamma):  # consumes the caller's list
    lr = base_lr
    while milestones and epoch >= milestones[0]:
        milestones.pop(0)
        lr *= gamma
    return lr


def multistep_times_gamma(epoch, base_lr, milestones, gamma):  # gamma * count, not a power
    passed = sum(1 for m in milestones if epoch >= m)
    return base_lr * (gamma * passed if passed else 1.0)


def multistep_tensor(epoch, base_lr, milestones, gamma):  # returns a tensor
    passed = torch.tensor([epoch >= m for m in milestones] + [False]).sum()
    return base_lr * torch.tensor(gamma) ** passed


def scheduler_absolute_lr(optimizer, warmup_epochs, total_epochs):  # lambda must be a factor
    base = optimizer.param_groups[0]["lr"]
    return lr_scheduler.LambdaLR(
        optimizer, lambda epoch: warmup_cosine_lr(epoch, base, warmup_epochs, total_epochs)
    )


def scheduler_cosine_only(optimizer, warmup_epochs, total_epochs):  # no warm-up
    return lr_scheduler.LambdaLR(
        optimizer, lambda epoch: warmup_cosine_lr(epoch, 1.0, 0, total_epochs)
    )


def scheduler_wrong_class(optimizer, warmup_epochs, total_epochs):  # not a LambdaLR
    return lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_epochs)


def scheduler_rises_after_end(optimizer, warmup_epochs, total_epochs):  # no clamp at the end
    def factor(epoch):
        if epoch < warmup_epochs:
            return (epoch + 1) / warmup_epochs
        progress = (epoch - warmup_epochs) / (total_epochs - warmup_epochs)
        return 0.5 * (1 + math.cos(math.pi * progress))

    return lr_scheduler.LambdaLR(optimizer, factor)


def scheduler_warmup_from_zero(optimizer, warmup_epochs, total_epochs):  # factor 0 at epoch 0
    def factor(epoch):
        if epoch < warmup_epochs:
            return epoch / warmup_epochs
        return warmup_cosine_lr(epoch, 1.0, warmup_epochs, total_epochs)

    return lr_scheduler.LambdaLR(optimizer, factor)


REFERENCE = {1: warmup_cosine_lr, 2: multistep_lr, 3: make_warmup_cosine_scheduler}
WRONG = {
    1: [
        warmup_starts_at_zero,
        cosine_ignores_min_lr,
        cosine_over_total,
        cosine_rises_after_end,
        warmup_off_by_one,
        warmup_cosine_tensor,
    ],
    2: [
        multistep_strict,
        multistep_first_only,
        multistep_pops,
        multistep_times_gamma,
        multistep_tensor,
    ],
    3: [
        scheduler_absolute_lr,
        scheduler_cosine_only,
        scheduler_wrong_class,
        scheduler_rises_after_end,
        scheduler_warmup_from_zero,
    ],
}
ALTERNATIVES = {
    1: [warmup_cosine_clamped, warmup_cosine_numpy],
    2: [multistep_loop, multistep_searchsorted],
    3: [scheduler_per_group_lambdas, scheduler_callable_class],
}
