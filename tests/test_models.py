import pytest
import torch

from aiotkit.models import GRUClassifier, SensorCNN1d


@pytest.mark.parametrize("cls", [SensorCNN1d, GRUClassifier])
def test_output_shape_and_backward(cls):
    model = cls(6, 4)
    x = torch.randn(5, 6, 100)
    out = model(x)
    assert out.shape == (5, 4)
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())


@pytest.mark.parametrize("cls", [SensorCNN1d, GRUClassifier])
def test_wrong_input_shape_is_a_clear_error(cls):
    with pytest.raises(ValueError, match="channels=6"):
        cls(6, 4)(torch.randn(5, 100, 6))


@pytest.mark.parametrize("cls", [SensorCNN1d, GRUClassifier])
def test_bad_sizes(cls):
    with pytest.raises(ValueError):
        cls(0, 4)


def test_count_parameters_counts_trainable_and_shared_once():
    from torch import nn

    from aiotkit.models import count_parameters

    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 3))
    assert count_parameters(model) == 3 * 4 + 4 + 4 * 3 + 3
    model[0].requires_grad_(False)
    assert count_parameters(model, trainable_only=True) == 4 * 3 + 3
    tied = nn.Sequential(nn.Linear(3, 3, bias=False), nn.Linear(3, 3, bias=False))
    tied[1].weight = tied[0].weight
    assert count_parameters(tied) == 9
    with pytest.raises(TypeError, match="nn.Module"):
        count_parameters([torch.zeros(3)])
