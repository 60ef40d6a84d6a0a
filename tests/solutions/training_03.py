"""Reference solutions for training/03 (regularization)."""

import torch


def l1_penalty(model):
    return sum(p.abs().sum() for p in model.parameters() if p.ndim >= 2)


def inverted_dropout(x, p, training):
    if not training or p == 0:
        return x
    if p >= 1:
        return torch.zeros_like(x)
    keep = (torch.rand_like(x) >= p).to(x.dtype)
    return x * keep / (1 - p)


def early_stopping(val_losses, patience):
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


# --- plausible wrong answers ---
def l1_includes_biases(model):  # penalises every parameter
    return sum(p.abs().sum() for p in model.parameters())


def l1_as_float(model):  # .item() cuts the graph
    return torch.tensor(sum(p.abs().sum().item() for p in model.parameters() if p.ndim >= 2))


def l1_squared(model):  # that is L2
    return sum((p**2).sum() for p in model.parameters() if p.ndim >= 2)


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


def early_stopping_ties_improve(val_losses, patience):  # treats an equal loss as progress
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss <= best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


def early_stopping_off_by_one(val_losses, patience):  # waits one epoch too long
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited > patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


REFERENCE = {1: l1_penalty, 2: inverted_dropout, 3: early_stopping}
WRONG = {
    1: [l1_includes_biases, l1_as_float, l1_squared],
    2: [dropout_no_rescale, dropout_keeps_with_p, dropout_divides_by_zero],
    3: [early_stopping_ties_improve, early_stopping_off_by_one],
}
