import math

import numpy as np
import pytest
import torch
from torch import nn

from aiotkit.bench import (
    file_size_bytes,
    measure_latency,
    model_size_bytes,
    prediction_agreement,
    snr_db,
)


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


def test_snr_db_known_values():
    ref = torch.tensor([[3.0, 4.0], [0.0, 0.0]])  # signal power 25
    assert snr_db(ref, ref) == math.inf
    approx = ref + torch.tensor([[0.5, 0.0], [0.0, 0.0]])  # noise power 0.25 -> 20 dB
    assert snr_db(ref, approx) == pytest.approx(20.0)
    assert snr_db(ref.numpy(), approx.numpy().tolist()) == pytest.approx(20.0)
    # more noise -> lower SNR; symmetric noise sign does not matter
    assert snr_db(ref, ref - 1.0) < snr_db(ref, ref + 0.1)
    assert snr_db(ref, ref - 0.5 * torch.eye(2)) == pytest.approx(
        snr_db(ref, ref + 0.5 * torch.eye(2))
    )


@pytest.mark.parametrize(
    "ref, approx",
    [(np.zeros((2, 2)), np.ones((2, 2))), (np.ones(3), np.ones(4)), (np.ones(0), np.ones(0))],
)
def test_snr_db_bad_input(ref, approx):
    with pytest.raises(ValueError):
        snr_db(ref, approx)


def test_prediction_agreement():
    ref = torch.tensor([[1.0, 0.0, 0.0], [0.0, 2.0, 1.0], [0.0, 0.0, 5.0], [1.0, 3.0, 0.0]])
    same_argmax = ref * 10 - 1
    assert prediction_agreement(ref, same_argmax) == 1.0
    flipped = ref.clone()
    flipped[1] = torch.tensor([0.0, 1.0, 2.0])  # row 1 now predicts class 2
    assert prediction_agreement(ref, flipped) == 0.75
    assert prediction_agreement(ref.numpy(), flipped.numpy()) == 0.75
    with pytest.raises(ValueError):
        prediction_agreement(ref, ref[:2])
    with pytest.raises(ValueError):
        prediction_agreement(ref[0], ref[0])
