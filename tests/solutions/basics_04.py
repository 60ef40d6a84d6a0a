"""Reference solutions for basics/04 (training and validation loop)."""

import copy
import io
import math

import numpy as np
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


def train_accumulated(model, loader, loss_fn, optimizer, accum_steps):
    model.train()
    optimizer.zero_grad()
    total, count, batches = 0.0, 0, len(loader)
    for i, (inputs, targets) in enumerate(loader, start=1):
        loss = loss_fn(model(inputs), targets)
        (loss / accum_steps).backward()
        total += loss.item() * len(inputs)
        count += len(inputs)
        if i % accum_steps == 0 or i == batches:
            optimizer.step()
            optimizer.zero_grad()
    return total / count


def train_with_best_weights(model, train_epoch, validate, max_epochs, patience, min_delta=0.0):
    best_loss, best_epoch, best_state, waited = math.inf, 0, None, 0
    for epoch in range(1, max_epochs + 1):
        train_epoch(model)
        loss = validate(model)
        if loss < best_loss - min_delta:
            best_loss, best_epoch, waited = loss, epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            waited += 1
            if waited >= patience:
                break
    model.load_state_dict(best_state)
    return best_epoch


# --- correct answers written differently ---
def early_stopping_index_of_min(val_losses, patience):  # tracks the index of the minimum
    best_index = 0
    for index in range(1, len(val_losses)):
        if val_losses[index] < val_losses[best_index]:
            best_index = index
        elif index - best_index >= patience:
            return index + 1, best_index + 1
    return len(val_losses), best_index + 1


def early_stopping_numpy(val_losses, patience):  # NumPy running minimum
    losses = np.asarray(val_losses, dtype=float)
    running = np.minimum.accumulate(losses)
    improved = np.concatenate([[True], losses[1:] < running[:-1]])
    best_epoch, waited = 1, 0
    for epoch in range(1, len(losses) + 1):
        if improved[epoch - 1]:
            best_epoch, waited = np.int64(epoch), 0
        else:
            waited += 1
            if waited == patience:
                return np.int64(epoch), best_epoch
    return np.int64(len(losses)), best_epoch


def train_accumulated_pending(model, loader, loss_fn, optimizer, accum_steps):
    # counts the batches waiting for a step; zero_grad at the start of each group
    model.train()
    total, count, pending = 0.0, 0, 0
    for inputs, targets in loader:
        if pending == 0:
            optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        (loss / accum_steps).backward()
        pending += 1
        total += loss.item() * inputs.shape[0]
        count += inputs.shape[0]
        if pending == accum_steps:
            optimizer.step()
            pending = 0
    if pending:
        optimizer.step()
    return float(total / count)


def train_accumulated_batches_list(model, loader, loss_fn, optimizer, accum_steps):
    # groups the batches first, then one step per group
    model.train()
    optimizer.zero_grad(set_to_none=False)
    batches = list(loader)
    losses, sizes = [], []
    for start in range(0, len(batches), accum_steps):
        for inputs, targets in batches[start : start + accum_steps]:
            loss = loss_fn(model(inputs), targets)
            loss.div(accum_steps).backward()
            losses.append(loss.detach())
            sizes.append(len(targets))
        optimizer.step()
        optimizer.zero_grad(set_to_none=False)
    weights = torch.tensor(sizes, dtype=torch.float32)
    return (torch.stack(losses) * weights).sum().item() / weights.sum().item()


def best_weights_deepcopy_model(model, train_epoch, validate, max_epochs, patience, min_delta=0.0):
    best_model, best_loss, best_epoch, waited = None, float("inf"), 0, 0
    epoch = 0
    while epoch < max_epochs and (best_epoch == 0 or waited < patience):
        epoch += 1
        train_epoch(model)
        loss = validate(model)
        if best_loss - loss > min_delta:
            best_model, best_loss, best_epoch, waited = copy.deepcopy(model), loss, epoch, 0
        else:
            waited += 1
    model.load_state_dict(best_model.state_dict())
    return best_epoch


def best_weights_bytes(model, train_epoch, validate, max_epochs, patience, min_delta=0.0):
    # a checkpoint in memory with torch.save, like the notebook's file
    buffer, best_loss, best_epoch, waited = io.BytesIO(), math.inf, 0, 0
    for epoch in range(1, max_epochs + 1):
        train_epoch(model)
        loss = validate(model)
        if loss < best_loss - min_delta:
            buffer = io.BytesIO()
            torch.save(model.state_dict(), buffer)
            best_loss, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                break
    buffer.seek(0)
    model.load_state_dict(torch.load(buffer, weights_only=True))
    return best_epoch


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


def early_stopping_not_reset(val_losses, patience):  # counts every bad epoch, not a run of them
    best, best_epoch, bad = math.inf, 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch = loss, epoch
        else:
            bad += 1
            if bad >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


def early_stopping_previous_epoch(val_losses, patience):  # compares with the previous epoch
    previous, best_epoch, waited = math.inf, 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < previous:
            best_epoch, waited = epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, best_epoch
        previous = loss
    return len(val_losses), best_epoch


def early_stopping_floats(val_losses, patience):  # epochs as floats
    stop, best = early_stopping_epochs(val_losses, patience)
    return float(stop), float(best)


def early_stopping_sorts_input(val_losses, patience):  # sorts the caller's list to find the best
    stop, _ = early_stopping_epochs(val_losses, patience)
    window = val_losses[:stop]
    best = window.index(min(window)) + 1
    val_losses.sort()
    return stop, best


def accumulate_no_initial_zero_grad(model, loader, loss_fn, optimizer, accum_steps):
    # old gradients from before the epoch go into the first step
    model.train()
    total, count, batches = 0.0, 0, len(loader)
    for i, (inputs, targets) in enumerate(loader, start=1):
        loss = loss_fn(model(inputs), targets)
        (loss / accum_steps).backward()
        total += loss.item() * len(inputs)
        count += len(inputs)
        if i % accum_steps == 0 or i == batches:
            optimizer.step()
            optimizer.zero_grad()
    return total / count


def accumulate_not_divided(model, loader, loss_fn, optimizer, accum_steps):
    # sums the gradients of accum_steps batches: the step is accum_steps times too large
    model.train()
    optimizer.zero_grad()
    total, count, batches = 0.0, 0, len(loader)
    for i, (inputs, targets) in enumerate(loader, start=1):
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        total += loss.item() * len(inputs)
        count += len(inputs)
        if i % accum_steps == 0 or i == batches:
            optimizer.step()
            optimizer.zero_grad()
    return total / count


def accumulate_drops_last_group(model, loader, loss_fn, optimizer, accum_steps):
    # no step for the batches left over at the end of the epoch
    model.train()
    optimizer.zero_grad()
    total, count = 0.0, 0
    for i, (inputs, targets) in enumerate(loader, start=1):
        loss = loss_fn(model(inputs), targets)
        (loss / accum_steps).backward()
        total += loss.item() * len(inputs)
        count += len(inputs)
        if i % accum_steps == 0:
            optimizer.step()
            optimizer.zero_grad()
    return total / count


def accumulate_zero_every_batch(model, loader, loss_fn, optimizer, accum_steps):
    # zero_grad before every backward: nothing is accumulated
    model.train()
    total, count, batches = 0.0, 0, len(loader)
    for i, (inputs, targets) in enumerate(loader, start=1):
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        (loss / accum_steps).backward()
        total += loss.item() * len(inputs)
        count += len(inputs)
        if i % accum_steps == 0 or i == batches:
            optimizer.step()
    return total / count


def accumulate_zero_based_index(model, loader, loss_fn, optimizer, accum_steps):
    # enumerate from 0: steps after batches 1, 4, 7, ... instead of 3, 6, ...
    model.train()
    optimizer.zero_grad()
    total, count, batches = 0.0, 0, len(loader)
    for i, (inputs, targets) in enumerate(loader):
        loss = loss_fn(model(inputs), targets)
        (loss / accum_steps).backward()
        total += loss.item() * len(inputs)
        count += len(inputs)
        if i % accum_steps == 0 or i == batches - 1:
            optimizer.step()
            optimizer.zero_grad()
    return total / count


def accumulate_reports_scaled_loss(model, loader, loss_fn, optimizer, accum_steps):
    # averages the divided losses: the reported loss is accum_steps times too small
    model.train()
    optimizer.zero_grad()
    total, count, batches = 0.0, 0, len(loader)
    for i, (inputs, targets) in enumerate(loader, start=1):
        loss = loss_fn(model(inputs), targets) / accum_steps
        loss.backward()
        total += loss.item() * len(inputs)
        count += len(inputs)
        if i % accum_steps == 0 or i == batches:
            optimizer.step()
            optimizer.zero_grad()
    return total / count


def accumulate_returns_tensor(model, loader, loss_fn, optimizer, accum_steps):
    # keeps the running total as a tensor
    model.train()
    optimizer.zero_grad()
    total, count, batches = torch.zeros(()), 0, len(loader)
    for i, (inputs, targets) in enumerate(loader, start=1):
        loss = loss_fn(model(inputs), targets)
        (loss / accum_steps).backward()
        total = total + loss.detach() * len(inputs)
        count += len(inputs)
        if i % accum_steps == 0 or i == batches:
            optimizer.step()
            optimizer.zero_grad()
    return total / count


def accumulate_no_train_mode(model, loader, loss_fn, optimizer, accum_steps):
    # leaves the model in eval mode: dropout is off while training
    optimizer.zero_grad()
    total, count, batches = 0.0, 0, len(loader)
    for i, (inputs, targets) in enumerate(loader, start=1):
        loss = loss_fn(model(inputs), targets)
        (loss / accum_steps).backward()
        total += loss.item() * len(inputs)
        count += len(inputs)
        if i % accum_steps == 0 or i == batches:
            optimizer.step()
            optimizer.zero_grad()
    return total / count


def _best_weights_loop(model, train_epoch, validate, max_epochs, patience, min_delta, save, ties):
    """The reference loop with a pluggable way of saving the weights (for wrong answers)."""
    best_loss, best_epoch, best_state, waited = math.inf, 0, None, 0
    for epoch in range(1, max_epochs + 1):
        train_epoch(model)
        loss = validate(model)
        improved = loss <= best_loss - min_delta if ties else loss < best_loss - min_delta
        if improved:
            best_loss, best_epoch, waited = loss, epoch, 0
            best_state = save(model)
        else:
            waited += 1
            if waited >= patience:
                break
    return best_epoch, best_state


def best_weights_alias(model, train_epoch, validate, max_epochs, patience, min_delta=0.0):
    # state_dict() holds references: later epochs change the "saved" weights too
    best_epoch, state = _best_weights_loop(
        model,
        train_epoch,
        validate,
        max_epochs,
        patience,
        min_delta,
        lambda m: m.state_dict(),
        False,
    )
    model.load_state_dict(state)
    return best_epoch


def best_weights_shallow_copy(model, train_epoch, validate, max_epochs, patience, min_delta=0.0):
    # dict(...) copies the dictionary, not the tensors in it
    best_epoch, state = _best_weights_loop(
        model,
        train_epoch,
        validate,
        max_epochs,
        patience,
        min_delta,
        lambda m: dict(m.state_dict()),
        False,
    )
    model.load_state_dict(state)
    return best_epoch


def best_weights_parameters_only(model, train_epoch, validate, max_epochs, patience, min_delta=0.0):
    # copies the parameters but not the buffers (BatchNorm's running statistics)
    best_epoch, saved = _best_weights_loop(
        model,
        train_epoch,
        validate,
        max_epochs,
        patience,
        min_delta,
        lambda m: [p.detach().clone() for p in m.parameters()],
        False,
    )
    with torch.no_grad():
        for p, value in zip(model.parameters(), saved, strict=True):
            p.copy_(value)
    return best_epoch


def best_weights_no_min_delta(model, train_epoch, validate, max_epochs, patience, min_delta=0.0):
    # ignores min_delta: every decrease counts as an improvement
    return train_with_best_weights(model, train_epoch, validate, max_epochs, patience, 0.0)


def best_weights_ties_improve(model, train_epoch, validate, max_epochs, patience, min_delta=0.0):
    # <= : an epoch exactly min_delta better (or equal, with min_delta 0) counts as improved
    best_epoch, state = _best_weights_loop(
        model,
        train_epoch,
        validate,
        max_epochs,
        patience,
        min_delta,
        lambda m: copy.deepcopy(m.state_dict()),
        True,
    )
    model.load_state_dict(state)
    return best_epoch


def best_weights_not_restored(model, train_epoch, validate, max_epochs, patience, min_delta=0.0):
    # remembers the best epoch but leaves the last epoch's weights in the model
    best_epoch, _ = _best_weights_loop(
        model,
        train_epoch,
        validate,
        max_epochs,
        patience,
        min_delta,
        lambda m: copy.deepcopy(m.state_dict()),
        False,
    )
    return best_epoch


def best_weights_rebinds_model(model, train_epoch, validate, max_epochs, patience, min_delta=0.0):
    # "model = best_model" only rebinds the local name; the caller's model keeps the last weights
    best_epoch, best_model = _best_weights_loop(
        model, train_epoch, validate, max_epochs, patience, min_delta, copy.deepcopy, False
    )
    model = best_model  # noqa: F841
    return best_epoch


def best_weights_best_tracks_every_drop(
    model, train_epoch, validate, max_epochs, patience, min_delta=0.0
):  # lowers best_loss on every drop, so small steady drops never count as improvements
    best_loss, best_epoch, best_state, waited = math.inf, 0, None, 0
    for epoch in range(1, max_epochs + 1):
        train_epoch(model)
        loss = validate(model)
        if loss < best_loss - min_delta:
            best_epoch, waited = epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            waited += 1
            if waited >= patience:
                break
        best_loss = min(best_loss, loss)
    model.load_state_dict(best_state)
    return best_epoch


def best_weights_zero_based(model, train_epoch, validate, max_epochs, patience, min_delta=0.0):
    # returns the 0-based index of the best epoch
    return (
        train_with_best_weights(model, train_epoch, validate, max_epochs, patience, min_delta) - 1
    )


REFERENCE = {1: early_stopping_epochs, 2: train_accumulated, 3: train_with_best_weights}
WRONG = {
    1: [
        early_stopping_ties_improve,
        early_stopping_zero_based,
        early_stopping_one_late,
        early_stopping_global_best,
        early_stopping_not_reset,
        early_stopping_previous_epoch,
        early_stopping_floats,
        early_stopping_sorts_input,
    ],
    2: [
        accumulate_no_initial_zero_grad,
        accumulate_not_divided,
        accumulate_drops_last_group,
        accumulate_zero_every_batch,
        accumulate_zero_based_index,
        accumulate_reports_scaled_loss,
        accumulate_returns_tensor,
        accumulate_no_train_mode,
    ],
    3: [
        best_weights_alias,
        best_weights_shallow_copy,
        best_weights_parameters_only,
        best_weights_no_min_delta,
        best_weights_ties_improve,
        best_weights_not_restored,
        best_weights_rebinds_model,
        best_weights_best_tracks_every_drop,
        best_weights_zero_based,
    ],
}
ALTERNATIVES = {
    1: [early_stopping_index_of_min, early_stopping_numpy],
    2: [train_accumulated_pending, train_accumulated_batches_list],
    3: [best_weights_deepcopy_model, best_weights_bytes],
}
