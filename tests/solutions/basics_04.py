"""Reference solutions for basics/04 (training and validation loop)."""

import math

import torch


def early_stopping_epochs(val_losses, patience):
    best, best_epoch, waited = math.inf, 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


def train_one_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total, count = 0.0, 0
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(inputs)
        count += len(inputs)
    return total / count


def evaluate_accuracy(model, loader):
    model.eval()
    correct, count = 0, 0
    with torch.no_grad():
        for inputs, targets in loader:
            correct += (model(inputs).argmax(dim=1) == targets).sum().item()
            count += len(inputs)
    return correct / count


# --- plausible wrong answers ---
def early_stopping_ties_improve(val_losses, patience):  # <= counts a tie as an improvement
    best, best_epoch, waited = math.inf, 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss <= best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


def early_stopping_zero_based(val_losses, patience):
    stop, best = early_stopping_epochs(val_losses, patience)
    return stop - 1, best - 1


def early_stopping_one_late(val_losses, patience):  # waits patience + 1 epochs
    return early_stopping_epochs(val_losses, patience + 1)


def early_stopping_global_best(
    val_losses, patience
):  # best over the whole list, not up to the stop
    stop, _ = early_stopping_epochs(val_losses, patience)
    return stop, min(range(len(val_losses)), key=val_losses.__getitem__) + 1


def train_no_zero_grad(model, loader, loss_fn, optimizer):  # gradients accumulate
    model.train()
    total, count = 0.0, 0
    for inputs, targets in loader:
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(inputs)
        count += len(inputs)
    return total / count


def train_mean_of_batch_means(model, loader, loss_fn, optimizer):
    model.train()
    losses = []
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


def train_no_train_mode(model, loader, loss_fn, optimizer):  # leaves the model in eval mode
    total, count = 0.0, 0
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(inputs)
        count += len(inputs)
    return total / count


def train_step_before_backward(model, loader, loss_fn, optimizer):  # steps with stale gradients
    model.train()
    total, count = 0.0, 0
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        optimizer.step()
        loss.backward()
        total += loss.item() * len(inputs)
        count += len(inputs)
    return total / count


def accuracy_no_eval(model, loader):  # dropout stays on
    correct, count = 0, 0
    with torch.no_grad():
        for inputs, targets in loader:
            correct += (model(inputs).argmax(dim=1) == targets).sum().item()
            count += len(inputs)
    return correct / count


def accuracy_no_no_grad(model, loader):  # builds graphs during evaluation
    model.eval()
    correct, count = 0, 0
    for inputs, targets in loader:
        correct += (model(inputs).argmax(dim=1) == targets).sum().item()
        count += len(inputs)
    return correct / count


def accuracy_mean_of_batches(model, loader):
    model.eval()
    accuracies = []
    with torch.no_grad():
        for inputs, targets in loader:
            accuracies.append((model(inputs).argmax(dim=1) == targets).float().mean().item())
    return sum(accuracies) / len(accuracies)


REFERENCE = {1: early_stopping_epochs, 2: train_one_epoch, 3: evaluate_accuracy}
WRONG = {
    1: [
        early_stopping_ties_improve,
        early_stopping_zero_based,
        early_stopping_one_late,
        early_stopping_global_best,
    ],
    2: [
        train_no_zero_grad,
        train_mean_of_batch_means,
        train_no_train_mode,
        train_step_before_backward,
    ],
    3: [accuracy_no_eval, accuracy_no_no_grad, accuracy_mean_of_batches],
}
