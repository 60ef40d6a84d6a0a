"""Reference solutions for advanced/04 (distributed training)."""

import math

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler


def sampler_indices(n, world_size, rank, *, shuffle=False, seed=0, epoch=0, drop_last=False):
    if shuffle:
        g = torch.Generator()
        g.manual_seed(seed + epoch)
        indices = torch.randperm(n, generator=g).tolist()
    else:
        indices = list(range(n))
    if drop_last:
        total = (n // world_size) * world_size
        indices = indices[:total]
    else:
        total = math.ceil(n / world_size) * world_size
        padding = total - n
        indices += (indices * math.ceil(padding / n))[:padding] if padding else []
    return indices[rank:total:world_size]


def train_ddp(model, dataset, loss_fn, *, epochs, batch_size, lr, seed, checkpoint_path):
    ddp_model = DistributedDataParallel(model)
    sampler = DistributedSampler(dataset, shuffle=True, seed=seed)
    loader = DataLoader(dataset, batch_size=batch_size, sampler=sampler)
    optimizer = torch.optim.SGD(ddp_model.parameters(), lr=lr)
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        for x, y in loader:
            optimizer.zero_grad()
            loss_fn(ddp_model(x), y).backward()
            optimizer.step()
    if dist.get_rank() == 0:
        torch.save(model.state_dict(), checkpoint_path)


def accumulated_grads(model, loss_fn, x, y, micro_batches):
    model.zero_grad()
    n = len(x)
    for xs, ys in zip(x.tensor_split(micro_batches), y.tensor_split(micro_batches), strict=True):
        (loss_fn(model(xs), ys) * len(xs) / n).backward()  # 조각 크기에 비례한 가중치
    return {name: p.grad.clone() for name, p in model.named_parameters()}


# --- plausible wrong answers ---
def sampler_contiguous(n, world_size, rank, *, shuffle=False, seed=0, epoch=0, drop_last=False):
    per_rank = math.ceil(n / world_size)  # contiguous blocks instead of a stride
    indices = list(range(n)) + list(range(n))
    return indices[rank * per_rank : (rank + 1) * per_rank]


def sampler_no_padding(n, world_size, rank, *, shuffle=False, seed=0, epoch=0, drop_last=False):
    if shuffle:
        g = torch.Generator()
        g.manual_seed(seed + epoch)
        indices = torch.randperm(n, generator=g).tolist()
    else:
        indices = list(range(n))
    return indices[rank::world_size]  # uneven parts, no padding, drop_last ignored


def sampler_ignores_epoch(n, world_size, rank, *, shuffle=False, seed=0, epoch=0, drop_last=False):
    return sampler_indices(
        n, world_size, rank, shuffle=shuffle, seed=seed, epoch=0, drop_last=drop_last
    )


def sampler_pads_once(n, world_size, rank, *, shuffle=False, seed=0, epoch=0, drop_last=False):
    if shuffle:  # the padding repeats the data only once: too short when n < padding
        g = torch.Generator()
        g.manual_seed(seed + epoch)
        indices = torch.randperm(n, generator=g).tolist()
    else:
        indices = list(range(n))
    total = (n // world_size if drop_last else math.ceil(n / world_size)) * world_size
    indices = (indices + indices[: total - n])[:total]
    return indices[rank::world_size]


def sampler_plus_one(n, world_size, rank, *, shuffle=False, seed=0, epoch=0, drop_last=False):
    if shuffle:  # int(n / world_size) + 1 for "round up": one too many when it divides evenly
        g = torch.Generator()
        g.manual_seed(seed + epoch)
        indices = torch.randperm(n, generator=g).tolist()
    else:
        indices = list(range(n))
    per_rank = n // world_size if drop_last else int(n / world_size) + 1
    total = per_rank * world_size
    while len(indices) < total:
        indices += indices[: total - len(indices)]
    return indices[:total][rank::world_size]


def sampler_tensor(n, world_size, rank, *, shuffle=False, seed=0, epoch=0, drop_last=False):
    g = torch.Generator()  # right indices, returned as a tensor
    g.manual_seed(seed + epoch)
    order = torch.randperm(n, generator=g) if shuffle else torch.arange(n)
    if drop_last:
        order = order[: n // world_size * world_size]
    else:
        total = math.ceil(n / world_size) * world_size
        order = order.repeat(math.ceil(total / n))[:total]
    return order[rank::world_size]


def accumulated_no_scaling(model, loss_fn, x, y, micro_batches):  # sum of micro-batch means
    model.zero_grad()
    for xs, ys in zip(x.chunk(micro_batches), y.chunk(micro_batches), strict=True):
        loss_fn(model(xs), ys).backward()
    return {name: p.grad.clone() for name, p in model.named_parameters()}


def accumulated_zero_grad_each(model, loss_fn, x, y, micro_batches):  # keeps only the last chunk
    for xs, ys in zip(x.chunk(micro_batches), y.chunk(micro_batches), strict=True):
        model.zero_grad()
        (loss_fn(model(xs), ys) / micro_batches).backward()
    return {name: p.grad.clone() for name, p in model.named_parameters()}


def accumulated_full_batch(model, loss_fn, x, y, micro_batches):  # never splits the batch
    model.zero_grad()
    loss_fn(model(x), y).backward()
    return {name: p.grad.clone() for name, p in model.named_parameters()}


def accumulated_equal_weights(model, loss_fn, x, y, micro_batches):  # right only for even splits
    model.zero_grad()
    for xs, ys in zip(x.tensor_split(micro_batches), y.tensor_split(micro_batches), strict=True):
        (loss_fn(model(xs), ys) / micro_batches).backward()
    return {name: p.grad.clone() for name, p in model.named_parameters()}


def accumulated_no_initial_zero(model, loss_fn, x, y, micro_batches):  # adds to stale gradients
    n = len(x)
    for xs, ys in zip(x.tensor_split(micro_batches), y.tensor_split(micro_batches), strict=True):
        (loss_fn(model(xs), ys) * len(xs) / n).backward()
    return {name: p.grad.clone() for name, p in model.named_parameters()}


def accumulated_split_size(model, loss_fn, x, y, micro_batches):  # split(k): pieces OF size k
    model.zero_grad()
    n = len(x)
    for xs, ys in zip(x.split(micro_batches), y.split(micro_batches), strict=True):
        (loss_fn(model(xs), ys) * len(xs) / n).backward()
    return {name: p.grad.clone() for name, p in model.named_parameters()}


# --- correct answers written differently ---
def sampler_modular(n, world_size, rank, *, shuffle=False, seed=0, epoch=0, drop_last=False):
    if shuffle:  # index arithmetic: position k of the padded list is order[k % n]
        generator = torch.Generator().manual_seed(seed + epoch)
        order = torch.randperm(n, generator=generator).tolist()
    else:
        order = list(range(n))
    per_rank = n // world_size if drop_last else -(-n // world_size)
    return [order[(rank + k * world_size) % n] for k in range(per_rank)]


def sampler_per_rank_slice(n, world_size, rank, *, shuffle=False, seed=0, epoch=0, drop_last=False):
    import numpy as np  # stride first, then cut/pad each rank's part: the same list

    g = torch.Generator()
    g.manual_seed(seed + epoch)
    order = torch.randperm(n, generator=g).numpy() if shuffle else np.arange(n)
    if drop_last:
        return [int(i) for i in order[rank::world_size][: n // world_size]]
    total = math.ceil(n / world_size) * world_size
    padded = np.resize(order, total)  # np.resize repeats the array from the start
    return padded[rank::world_size].tolist()


def accumulated_autograd_grad(model, loss_fn, x, y, micro_batches):  # torch.autograd.grad sums
    names = [name for name, _ in model.named_parameters()]
    params = [p for _, p in model.named_parameters()]
    total = [torch.zeros_like(p) for p in params]
    pieces = zip(
        torch.tensor_split(x, micro_batches), torch.tensor_split(y, micro_batches), strict=True
    )
    for xs, ys in pieces:
        grads = torch.autograd.grad(loss_fn(model(xs), ys), params)
        total = [t + g * (len(xs) / len(x)) for t, g in zip(total, grads, strict=True)]
    return dict(zip(names, total, strict=True))


def accumulated_chunk_sum_loss(model, loss_fn, x, y, micro_batches):  # chunk, summed-loss scaling
    for p in model.parameters():
        p.grad = None
    for xs, ys in zip(x.chunk(micro_batches), y.chunk(micro_batches), strict=True):
        (loss_fn(model(xs), ys) * xs.shape[0]).div(x.shape[0]).backward()
    return {name: p.grad.detach().clone() for name, p in model.named_parameters()}


def _train(
    model,
    dataset,
    loss_fn,
    epochs,
    batch_size,
    lr,
    seed,
    *,
    wrap=True,
    set_epoch=True,
    distributed_sampler=True,
):
    ddp_model = DistributedDataParallel(model) if wrap else model
    if distributed_sampler:
        sampler = DistributedSampler(dataset, shuffle=True, seed=seed)
        loader = DataLoader(dataset, batch_size=batch_size, sampler=sampler)
    else:
        sampler, loader = None, DataLoader(dataset, batch_size=batch_size, shuffle=True)
    optimizer = torch.optim.SGD(ddp_model.parameters(), lr=lr)
    for epoch in range(epochs):
        if set_epoch and sampler is not None:
            sampler.set_epoch(epoch)
        for x, y in loader:
            optimizer.zero_grad()
            loss_fn(ddp_model(x), y).backward()
            optimizer.step()
    return ddp_model


def ddp_no_set_epoch(model, dataset, loss_fn, *, epochs, batch_size, lr, seed, checkpoint_path):
    _train(model, dataset, loss_fn, epochs, batch_size, lr, seed, set_epoch=False)
    if dist.get_rank() == 0:
        torch.save(model.state_dict(), checkpoint_path)


def ddp_every_rank_saves(model, dataset, loss_fn, *, epochs, batch_size, lr, seed, checkpoint_path):
    _train(model, dataset, loss_fn, epochs, batch_size, lr, seed)
    torch.save(model.state_dict(), checkpoint_path)  # no rank check: every rank writes


def ddp_no_wrap(model, dataset, loss_fn, *, epochs, batch_size, lr, seed, checkpoint_path):
    _train(model, dataset, loss_fn, epochs, batch_size, lr, seed, wrap=False)  # no averaging
    if dist.get_rank() == 0:
        torch.save(model.state_dict(), checkpoint_path)


def ddp_saves_wrapped_keys(
    model, dataset, loss_fn, *, epochs, batch_size, lr, seed, checkpoint_path
):
    ddp_model = _train(model, dataset, loss_fn, epochs, batch_size, lr, seed)
    if dist.get_rank() == 0:
        torch.save(ddp_model.state_dict(), checkpoint_path)  # keys start with "module."


def ddp_shuffle_loader(model, dataset, loss_fn, *, epochs, batch_size, lr, seed, checkpoint_path):
    torch.manual_seed(seed)  # every rank reads the whole data set in the same order
    _train(model, dataset, loss_fn, epochs, batch_size, lr, seed, distributed_sampler=False)
    if dist.get_rank() == 0:
        torch.save(model.state_dict(), checkpoint_path)


def ddp_saves_before_training(
    model, dataset, loss_fn, *, epochs, batch_size, lr, seed, checkpoint_path
):
    if dist.get_rank() == 0:
        torch.save(model.state_dict(), checkpoint_path)  # the initial weights
    _train(model, dataset, loss_fn, epochs, batch_size, lr, seed)


def ddp_barrier_rank0_only(
    model, dataset, loss_fn, *, epochs, batch_size, lr, seed, checkpoint_path
):
    _train(model, dataset, loss_fn, epochs, batch_size, lr, seed)
    if dist.get_rank() == 0:
        torch.save(model.state_dict(), checkpoint_path)
        dist.barrier()  # only rank 0 waits: a deadlock


def ddp_module_state_barrier(
    model, dataset, loss_fn, *, epochs, batch_size, lr, seed, checkpoint_path
):
    ddp = DistributedDataParallel(model)  # saves ddp.module's weights, then everyone waits
    sampler = DistributedSampler(
        dataset, num_replicas=dist.get_world_size(), rank=dist.get_rank(), shuffle=True, seed=seed
    )
    loader = DataLoader(dataset, batch_size=batch_size, sampler=sampler, shuffle=False)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        batches = iter(loader)
        for x, y in batches:
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(ddp(x), y)
            loss.backward()
            optimizer.step()
    if dist.get_rank() == 0:
        state = {name: value.detach().clone() for name, value in ddp.module.state_dict().items()}
        torch.save(state, checkpoint_path)
    dist.barrier()


def ddp_rank_from_group(model, dataset, loss_fn, *, epochs, batch_size, lr, seed, checkpoint_path):
    import io  # writes the bytes itself; rank from the default group's object

    wrapped = DistributedDataParallel(model)
    sampler = DistributedSampler(dataset, seed=seed)  # shuffle=True is the default
    optimizer = torch.optim.SGD(wrapped.parameters(), lr=lr)
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        for x, y in DataLoader(dataset, batch_size=batch_size, sampler=sampler):
            wrapped.zero_grad()
            loss_fn(wrapped(x), y).backward()
            optimizer.step()
    if dist.get_rank(group=dist.group.WORLD) == 0:
        buffer = io.BytesIO()
        torch.save(wrapped.module.state_dict(), buffer)
        with open(checkpoint_path, "wb") as handle:
            handle.write(buffer.getvalue())


REFERENCE = {1: sampler_indices, 2: train_ddp, 3: accumulated_grads}
WRONG = {
    1: [
        sampler_contiguous,
        sampler_no_padding,
        sampler_ignores_epoch,
        sampler_pads_once,
        sampler_plus_one,
        sampler_tensor,
    ],
    2: [
        ddp_no_set_epoch,
        ddp_every_rank_saves,
        ddp_no_wrap,
        ddp_saves_wrapped_keys,
        ddp_shuffle_loader,
        ddp_saves_before_training,
        ddp_barrier_rank0_only,
    ],
    3: [
        accumulated_no_scaling,
        accumulated_zero_grad_each,
        accumulated_full_batch,
        accumulated_equal_weights,
        accumulated_no_initial_zero,
        accumulated_split_size,
    ],
}
ALTERNATIVES = {
    1: [sampler_modular, sampler_per_rank_slice],
    2: [ddp_module_state_barrier, ddp_rank_from_group],
    3: [accumulated_autograd_grad, accumulated_chunk_sum_loss],
}
