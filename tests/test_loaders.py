"""Unit tests for aiotkit.loaders.tensor_loader."""

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader

from aiotkit.loaders import tensor_loader
from aiotkit.train import evaluate


def _data(n=10):
    return torch.arange(n * 2, dtype=torch.float32).reshape(n, 2), torch.arange(n)


def test_sequential_batches_cover_everything_in_order():
    X, y = _data(10)
    loader = tensor_loader(X, y, batch_size=4)
    assert isinstance(loader, DataLoader)
    batches = list(loader)
    assert [len(b[0]) for b in batches] == [4, 4, 2]
    assert torch.equal(torch.cat([b[1] for b in batches]), y)
    assert torch.equal(torch.cat([b[0] for b in batches]), X)


def test_full_batch_and_drop_last():
    X, y = _data(10)
    (only,) = list(tensor_loader(X, y, batch_size=100))
    assert torch.equal(only[0], X)
    assert [len(b[1]) for b in tensor_loader(X, y, batch_size=4, drop_last=True)] == [4, 4]


def test_shuffle_is_seeded_and_changes_between_epochs():
    X, y = _data(50)
    first = tensor_loader(X, y, batch_size=50, shuffle=True, seed=3)
    second = tensor_loader(X, y, batch_size=50, shuffle=True, seed=3)
    epoch1 = next(iter(first))[1]
    assert torch.equal(epoch1, next(iter(second))[1])  # same seed, same order
    assert sorted(epoch1.tolist()) == list(range(50))  # a permutation
    assert not torch.equal(epoch1, y)
    assert not torch.equal(epoch1, next(iter(first))[1])  # a new order next epoch


def test_rows_stay_aligned_across_tensors():
    X, y = _data(20)
    for xb, yb in tensor_loader(X, y, batch_size=6, shuffle=True, seed=0):
        assert torch.equal(xb[:, 0], 2 * yb.float())


def test_works_with_evaluate():
    X, y = _data(8)
    model = nn.Linear(2, 10)
    result = evaluate(model, tensor_loader(X, y, batch_size=3), nn.CrossEntropyLoss(), device="cpu")
    assert result["loss"] > 0


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((), {"batch_size": 2}, ValueError, "하나 이상"),
        ((torch.zeros(3), torch.zeros(4)), {"batch_size": 2}, ValueError, "샘플 수"),
        ((torch.zeros(0, 2),), {"batch_size": 2}, ValueError, "빈 텐서"),
        ((torch.tensor(1.0),), {"batch_size": 2}, ValueError, "0차원"),
        (([1, 2, 3],), {"batch_size": 2}, TypeError, "텐서가 아닙니다"),
        ((torch.zeros(3),), {"batch_size": 0}, ValueError, "batch_size"),
        ((torch.zeros(3),), {"batch_size": 2.5}, ValueError, "batch_size"),
        ((torch.zeros(3),), {"batch_size": True}, ValueError, "batch_size"),
    ],
)
def test_bad_input_is_a_clear_error(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        tensor_loader(*args, **kwargs)
