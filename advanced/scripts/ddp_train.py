"""Data-parallel training with DistributedDataParallel (DDP), launched by torchrun.

    torchrun --standalone --nproc-per-node=2 advanced/scripts/ddp_train.py --out artifacts/advanced_04/ddp

One process per rank. Each rank builds the same model (same seed), DDP copies rank 0's weights
to everyone, a DistributedSampler gives every rank a different part of each epoch's shuffled
data, and during backward() DDP averages the gradients over all ranks (all_reduce), so every
rank takes the same optimizer step. The backend is chosen by dist_common.choose_backend
(nccl when every rank has its own GPU, gloo otherwise); --backend gloo forces the CPU.

The data come from --data (a small tensor file); if it is missing, rank 0 makes it from
scikit-learn's digits first.

Elastic restarts: with --checkpoint, rank 0 saves model + optimizer + epoch after each epoch;
a restarted job (torchrun --max-restarts=N) resumes after the last saved epoch.
--fail-once-at-epoch E makes rank 1 crash at the start of epoch E in the first attempt only,
to show a restart.

Every rank prints its results as one line ``RESULT {json}`` and writes the sample indices it
saw in its first epoch to <out>/rank<r>_first_epoch_indices.json; rank 0 saves the final
weights to <out>/final_state_dict.pt. The functions above main() are imported by advanced/04
to build the single-process reference run with exactly the same data and model. Like all the
worker scripts here it needs only PyTorch (and scikit-learn once, to make the data file).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from dist_common import choose_backend, report_result
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler


def save_atomically(obj: object, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)  # a crash mid-save never leaves a half-written checkpoint


def prepare_datasets(path: str | Path) -> None:
    """Save digits (8x8 images as 64 features in 0..1, stratified 75 %/25 % train/test split)
    to ``path``. Needs scikit-learn; imported here only, so that workers which find the file
    already made do not pay for importing it."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X = torch.tensor(digits.data / 16.0, dtype=torch.float32)
    y = torch.tensor(digits.target, dtype=torch.int64)
    train_idx, test_idx = train_test_split(
        np.arange(len(X)), test_size=0.25, random_state=0, stratify=digits.target
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {"X_train": X[train_idx], "y_train": y[train_idx]}
    tensors |= {"X_test": X[test_idx], "y_test": y[test_idx]}
    save_atomically(tensors, path)


def load_datasets(path: str | Path) -> tuple[TensorDataset, TensorDataset]:
    """The (train, test) TensorDatasets saved by :func:`prepare_datasets`."""
    t = torch.load(path, weights_only=True)
    return TensorDataset(t["X_train"], t["y_train"]), TensorDataset(t["X_test"], t["y_test"])


def make_model(seed: int = 0) -> nn.Module:
    """A small MLP (64 → 64 → 10) whose initial weights depend only on ``seed``."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))


def make_optimizer(model: nn.Module, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="folder for the final weights")
    parser.add_argument("--data", default="artifacts/advanced_04/digits.pt", help="data file")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--local-batch", type=int, default=32, help="samples per rank per step")
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--backend", choices=["auto", "gloo", "nccl"], default="auto")
    parser.add_argument("--checkpoint", default=None, help="checkpoint file for elastic restarts")
    parser.add_argument("--fail-once-at-epoch", type=int, default=None)
    return parser.parse_args()


def main() -> None:
    started = time.perf_counter()  # after the imports: the time spent in this function only
    args = parse_args()
    world_size = int(os.environ["WORLD_SIZE"])
    backend = choose_backend(world_size) if args.backend == "auto" else args.backend
    local_rank = int(os.environ["LOCAL_RANK"])
    if backend == "nccl":
        torch.cuda.set_device(local_rank)  # one GPU per rank: rank i on this node uses GPU i
    dist.init_process_group(backend=backend)
    rank = dist.get_rank()
    restart_count = int(os.environ.get("TORCHELASTIC_RESTART_COUNT", "0"))
    device = torch.device(f"cuda:{local_rank}" if backend == "nccl" else "cpu")

    if not Path(args.data).exists():
        if rank == 0:
            prepare_datasets(args.data)
        dist.barrier()  # the others wait until rank 0 has written the data file
    train_ds, test_ds = load_datasets(args.data)
    model = make_model(args.seed).to(device)
    ddp_model = DistributedDataParallel(
        model, device_ids=[local_rank] if backend == "nccl" else None
    )
    optimizer = make_optimizer(ddp_model, args.lr)
    sampler = DistributedSampler(train_ds, shuffle=True, seed=args.seed)  # rank/world from dist
    loader = DataLoader(train_ds, batch_size=args.local_batch, sampler=sampler)

    start_epoch = 0
    checkpoint = Path(args.checkpoint) if args.checkpoint else None
    if checkpoint is not None and checkpoint.exists():
        state = torch.load(checkpoint, map_location=device, weights_only=True)
        ddp_model.module.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        start_epoch = state["epoch"] + 1

    steps, first_epoch_indices, loss = 0, None, None
    for epoch in range(start_epoch, args.epochs):
        if epoch == args.fail_once_at_epoch and restart_count == 0 and rank == 1:
            report_result(event="simulated_failure", rank=rank, epoch=epoch)
            raise RuntimeError(f"simulated failure of rank {rank} at epoch {epoch}")
        sampler.set_epoch(epoch)  # a different shuffle each epoch, the same on every rank
        if first_epoch_indices is None:
            first_epoch_indices = list(sampler)
        ddp_model.train()
        for inputs, targets in loader:
            inputs, targets = inputs.to(device), targets.to(device)
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(ddp_model(inputs), targets)
            loss.backward()  # DDP averages the gradients of all ranks here
            optimizer.step()
            steps += 1
        if checkpoint is not None and rank == 0:
            state = {
                "model": ddp_model.module.state_dict(),
                "optimizer": optimizer.state_dict(),
                "epoch": epoch,
            }
            save_atomically(state, checkpoint)
        dist.barrier()  # nobody starts the next epoch before the checkpoint is on disk

    ddp_model.eval()
    with torch.no_grad():
        X_test, y_test = test_ds.tensors
        accuracy = (ddp_model(X_test.to(device)).argmax(1).cpu() == y_test).float().mean().item()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if first_epoch_indices is not None:  # which samples this rank saw (too long for RESULT)
        indices_file = out / f"rank{rank}_first_epoch_indices.json"
        indices_file.write_text(json.dumps(first_epoch_indices))
    if rank == 0:
        save_atomically(
            {k: v.cpu() for k, v in ddp_model.module.state_dict().items()},
            out / "final_state_dict.pt",
        )
    report_result(
        event="finished",
        rank=rank,
        world_size=world_size,
        backend=backend,
        restart_count=restart_count,
        start_epoch=start_epoch,
        steps=steps,
        first_epoch_samples=None if first_epoch_indices is None else len(first_epoch_indices),
        final_loss=None if loss is None else loss.item(),
        test_accuracy=accuracy,
        main_seconds=time.perf_counter() - started,
    )
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
