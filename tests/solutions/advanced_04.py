"""Reference solutions for advanced/04 (distributed training)."""

import math

import torch


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


def all_reduce_mean(per_rank_grads):
    world_size = len(per_rank_grads)
    mean = {
        name: torch.stack([grads[name] for grads in per_rank_grads]).sum(0) / world_size
        for name in per_rank_grads[0]
    }
    return [{name: t.clone() for name, t in mean.items()} for _ in range(world_size)]


def accumulated_grads(model, loss_fn, x, y, micro_batches):
    model.zero_grad()
    for xs, ys in zip(x.chunk(micro_batches), y.chunk(micro_batches), strict=True):
        (loss_fn(model(xs), ys) / micro_batches).backward()
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


def all_reduce_sum(per_rank_grads):  # forgets to divide by the world size
    total = {
        name: torch.stack([grads[name] for grads in per_rank_grads]).sum(0)
        for name in per_rank_grads[0]
    }
    return [dict(total) for _ in per_rank_grads]


def all_reduce_in_place(per_rank_grads):  # right numbers, but overwrites the inputs
    world_size = len(per_rank_grads)
    for name in per_rank_grads[0]:
        mean = torch.stack([grads[name] for grads in per_rank_grads]).mean(0)
        for grads in per_rank_grads:
            grads[name].copy_(mean)
    return per_rank_grads[:world_size]


def all_reduce_rank0_only(per_rank_grads):  # broadcast instead of all_reduce
    return [{k: v.clone() for k, v in per_rank_grads[0].items()} for _ in per_rank_grads]


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


REFERENCE = {1: sampler_indices, 2: all_reduce_mean, 3: accumulated_grads}
WRONG = {
    1: [sampler_contiguous, sampler_no_padding, sampler_ignores_epoch],
    2: [all_reduce_sum, all_reduce_in_place, all_reduce_rank0_only],
    3: [accumulated_no_scaling, accumulated_zero_grad_each, accumulated_full_batch],
}
