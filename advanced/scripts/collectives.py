"""Collective communication between CPU processes: all_reduce, broadcast, all_gather, a subgroup.

    python advanced/scripts/collectives.py --world-size 2

This script starts its worker processes itself with ``torch.multiprocessing.spawn`` (the other
way, torchrun, is used by ddp_train.py). Each worker joins the default process group with an
explicit rank, the world size and a rendezvous address (``tcp://127.0.0.1:PORT``) — exactly
what torchrun would otherwise pass in environment variables (RANK, WORLD_SIZE, MASTER_ADDR,
MASTER_PORT). Every rank prints one line ``RESULT {json}`` with what it saw (read by
advanced/04). The gloo backend is used on purpose: it works with CPU tensors on any machine.
"""

from __future__ import annotations

import argparse
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from dist_common import report_result


def worker(rank: int, world_size: int, port: int) -> None:
    """Runs in every spawned process; ``rank`` is passed by mp.spawn as the first argument."""
    dist.init_process_group(
        backend="gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world_size
    )

    # all_reduce: every rank contributes a tensor, every rank gets the sum (in place)
    total = torch.tensor([float(rank + 1)])
    dist.all_reduce(total, op=dist.ReduceOp.SUM)

    # the DDP pattern: sum the per-rank gradients, then divide by the world size
    grad = torch.tensor([2.0 * rank, 1.0, -float(rank)])
    dist.all_reduce(grad, op=dist.ReduceOp.SUM)
    grad /= world_size

    # broadcast: rank 0's tensor is copied to everyone (DDP does this with the initial weights)
    weights = torch.tensor([0.5, -1.5]) if rank == 0 else torch.zeros(2)
    dist.broadcast(weights, src=0)

    # all_gather: everyone receives everyone's tensor, in rank order
    gathered = [torch.zeros(1) for _ in range(world_size)]
    dist.all_gather(gathered, torch.tensor([float(rank * 10)]))

    # a subgroup of the even ranks: new_group must be called by every rank, even non-members
    evens = dist.new_group(ranks=list(range(0, world_size, 2)))
    even_sum = torch.tensor([float(rank + 1)])
    if rank % 2 == 0:
        dist.all_reduce(even_sum, group=evens)

    report_result(
        rank=rank,
        world_size=world_size,
        backend=dist.get_backend(),
        all_reduce_sum=total.item(),
        grad_mean=grad.tolist(),
        broadcast=weights.tolist(),
        all_gather=[t.item() for t in gathered],
        even_group_sum=even_sum.item() if rank % 2 == 0 else None,
    )
    dist.destroy_process_group()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="all_reduce / broadcast / all_gather demo")
    parser.add_argument("--world-size", type=int, default=2)
    args = parser.parse_args()
    # spawn = fresh interpreters (safe everywhere); join=True waits and re-raises a worker's error
    mp.spawn(worker, args=(args.world_size, free_port()), nprocs=args.world_size, join=True)
