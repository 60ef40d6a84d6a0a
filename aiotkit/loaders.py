"""Fast DataLoaders over tensors that are already in memory.

A plain ``DataLoader(TensorDataset(X, y), batch_size=64)`` fetches every sample on its own and
collates them, which costs more than the model itself for small models (basics/03, section 7,
measures it). :func:`tensor_loader` hands the whole list of indices of a batch to the dataset at
once (``BatchSampler`` as the sampler, ``batch_size=None``), so a batch is one tensor index.
It is still a real ``DataLoader``, so ``aiotkit.train.fit`` and ``evaluate`` accept it.
"""

from __future__ import annotations

import torch
from torch.utils.data import (
    BatchSampler,
    DataLoader,
    RandomSampler,
    SequentialSampler,
    TensorDataset,
)

__all__ = ["tensor_loader"]


def tensor_loader(
    *tensors: torch.Tensor,
    batch_size: int,
    shuffle: bool = False,
    seed: int | None = None,
    drop_last: bool = False,
) -> DataLoader:
    """A DataLoader yielding ``(tensors[0][idx], tensors[1][idx], ...)`` batches.

    Args:
        tensors: one or more tensors with the same first (sample) dimension, e.g. ``X, y``.
        batch_size: samples per batch (the last batch may be smaller unless ``drop_last``).
            ``batch_size >= len(X)`` gives one full batch per epoch.
        shuffle: draw a new random order every epoch.
        seed: seeds the shuffling generator, so the batch order is reproducible
            (ignored without ``shuffle``).
        drop_last: drop a last, smaller batch.

    Returns:
        A ``torch.utils.data.DataLoader``; each batch is a tuple of tensors (a list of
        indices is passed to ``TensorDataset.__getitem__`` in one call).

    Raises:
        ValueError: no tensors, tensors of different lengths, an empty tensor, or a
            ``batch_size`` that is not a positive integer.
        TypeError: an argument in ``tensors`` is not a tensor.
    """
    if not tensors:
        raise ValueError(
            "tensor_loader: 텐서를 하나 이상 넘겨야 합니다 (예: tensor_loader(X, y, ...))"
        )
    for i, t in enumerate(tensors):
        if not isinstance(t, torch.Tensor):
            raise TypeError(
                f"tensor_loader: {i}번째 인자가 텐서가 아닙니다 (got {type(t).__name__}); "
                "torch.tensor(...)나 torch.from_numpy(...)로 바꾸세요"
            )
        if t.ndim == 0:
            raise ValueError(
                f"tensor_loader: {i}번째 텐서가 0차원입니다; 첫 축이 샘플 축이어야 합니다"
            )
    lengths = [len(t) for t in tensors]
    if len(set(lengths)) != 1:
        raise ValueError(f"tensor_loader: 텐서들의 샘플 수(첫 축 길이)가 다릅니다: {lengths}")
    if lengths[0] == 0:
        raise ValueError("tensor_loader: 빈 텐서입니다 (샘플 0개)")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(
            f"tensor_loader: batch_size는 1 이상의 정수여야 합니다 (got {batch_size!r})"
        )
    dataset = TensorDataset(*tensors)
    if shuffle:
        generator = torch.Generator().manual_seed(seed) if seed is not None else None
        sampler = RandomSampler(dataset, generator=generator)
    else:
        sampler = SequentialSampler(dataset)
    return DataLoader(
        dataset, sampler=BatchSampler(sampler, batch_size, drop_last=drop_last), batch_size=None
    )
