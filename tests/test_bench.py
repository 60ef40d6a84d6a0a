import pytest
import torch
from torch import nn

from aiotkit.bench import file_size_bytes, measure_latency, model_size_bytes


def test_measure_latency_statistics_and_threads():
    before = torch.get_num_threads()
    calls = []
    result = measure_latency(lambda: calls.append(1), warmup=3, runs=20, threads=1)
    assert len(calls) == 23 and result.runs == 20 and result.threads == 1
    assert 0 <= result.median_ms <= result.p90_ms <= result.p99_ms
    assert torch.get_num_threads() == before
    assert "median" in str(result) and set(result.as_row()) >= {"median_ms", "p90_ms", "p99_ms"}


@pytest.mark.parametrize(
    ("fn", "kwargs", "error"),
    [
        (42, {}, TypeError),
        (lambda: None, {"runs": 0}, ValueError),
        (lambda: None, {"threads": 0}, ValueError),
        (lambda: None, {"warmup": -1}, ValueError),
    ],
)
def test_measure_latency_bad_input(fn, kwargs, error):
    with pytest.raises(error):
        measure_latency(fn, **kwargs)


def test_model_size_bytes_scales_with_parameters():
    small, big = nn.Linear(10, 10), nn.Linear(100, 100)
    assert model_size_bytes(big) > 40_000 > model_size_bytes(small) > 400
    assert model_size_bytes(small.state_dict()) == model_size_bytes(small)
    with pytest.raises(TypeError):
        model_size_bytes("model.pt")


def test_file_size_bytes(tmp_path):
    path = tmp_path / "w.bin"
    path.write_bytes(b"x" * 123)
    assert file_size_bytes(path) == 123
    with pytest.raises(FileNotFoundError, match="missing.onnx"):
        file_size_bytes(tmp_path / "missing.onnx")
