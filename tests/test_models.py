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
