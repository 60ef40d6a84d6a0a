"""Reference solutions for training/04 (learning-rate scheduling)."""

import bisect
import math

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


def multistep_strict(epoch, base_lr, milestones, gamma):  # decays one epoch late
    return base_lr * gamma ** sum(1 for m in milestones if epoch > m)


def multistep_first_only(epoch, base_lr, milestones, gamma):  # decays once at most
    return base_lr * (gamma if any(epoch >= m for m in milestones) else 1.0)


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


REFERENCE = {1: warmup_cosine_lr, 2: multistep_lr, 3: make_warmup_cosine_scheduler}
WRONG = {
    1: [warmup_starts_at_zero, cosine_ignores_min_lr, cosine_over_total],
    2: [multistep_strict, multistep_first_only],
    3: [scheduler_absolute_lr, scheduler_cosine_only, scheduler_wrong_class],
}
