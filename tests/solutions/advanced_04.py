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


def all_reduce_divides_by_tensors(per_rank_grads):  # divides by the number of tensors per rank
    total = {
        name: sum(grads[name] for grads in per_rank_grads) / len(per_rank_grads[0])
        for name in per_rank_grads[0]
    }
    return [{k: v.clone() for k, v in total.items()} for _ in per_rank_grads]


def all_reduce_rebinds_inputs(per_rank_grads):  # writes the mean into the caller's dicts
    for name in per_rank_grads[0]:
        mean = torch.stack([grads[name] for grads in per_rank_grads]).mean(0)
        for grads in per_rank_grads:
            grads[name] = mean.clone()
    return per_rank_grads


def all_reduce_float64(per_rank_grads):  # numbers through NumPy float64: dtype changes
    import numpy as np

    mean = {
        name: torch.as_tensor(
            np.mean([grads[name].numpy() for grads in per_rank_grads], axis=0, dtype=np.float64)
        )
        for name in per_rank_grads[0]
    }
    return [{k: v.clone() for k, v in mean.items()} for _ in per_rank_grads]


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


def all_reduce_loop(per_rank_grads):  # plain loops, sum then divide
    world_size = len(per_rank_grads)
    mean = {}
    for name in per_rank_grads[0]:
        total = torch.zeros_like(per_rank_grads[0][name])
        for grads in per_rank_grads:
            total = total + grads[name]
        mean[name] = total / world_size
    return [{name: value.clone() for name, value in mean.items()} for _ in range(world_size)]


def all_reduce_shared_mean(per_rank_grads):  # torch.mean over a stacked dim, one dict reused
    import copy

    mean = {
        name: torch.mean(torch.stack([r[name] for r in per_rank_grads], dim=0), dim=0)
        for name in per_rank_grads[0]
    }
    return [copy.copy(mean) for _ in per_rank_grads]


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


REFERENCE = {1: sampler_indices, 2: all_reduce_mean, 3: accumulated_grads}
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
        all_reduce_sum,
        all_reduce_in_place,
        all_reduce_rank0_only,
        all_reduce_divides_by_tensors,
        all_reduce_rebinds_inputs,
        all_reduce_float64,
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
    2: [all_reduce_loop, all_reduce_shared_mean],
    3: [accumulated_autograd_grad, accumulated_chunk_sum_loss],
}
