import random

import numpy as np
import pytest
import torch

from aiotkit import environment_report, get_device, print_environment, seed_everything


def test_auto_device_matches_cuda_availability(monkeypatch):
    monkeypatch.delenv("AIOT_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert get_device().type == expected


def test_env_override_cpu(monkeypatch):
    monkeypatch.setenv("AIOT_DEVICE", "CPU ")
    assert get_device() == torch.device("cpu")


def test_prefer_argument_wins(monkeypatch):
    monkeypatch.setenv("AIOT_DEVICE", "cuda")
    assert get_device("cpu") == torch.device("cpu")


def test_unknown_device_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("AIOT_DEVICE", "tpu")
    with pytest.raises(ValueError, match="알 수 없는 장치 'tpu'"):
        get_device()


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_forced_cuda_without_gpu_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("AIOT_DEVICE", "cuda")
    with pytest.raises(RuntimeError, match="AIOT_DEVICE=cpu"):
        get_device()


def test_seed_everything_reproduces_all_generators():
    seed_everything(123)
    first = (random.random(), np.random.rand(), torch.rand(3))
    seed_everything(123)
    second = (random.random(), np.random.rand(), torch.rand(3))
    assert first[0] == second[0] and first[1] == second[1] and torch.equal(first[2], second[2])


@pytest.mark.parametrize("bad", [-1, 2**32, 1.5, "42", True])
def test_seed_everything_rejects_bad_seeds(bad):
    with pytest.raises((TypeError, ValueError)):
        seed_everything(bad)


def test_environment_report_is_one_line(capsys):
    line = environment_report("cpu")
    assert (
        line.startswith(f"torch {torch.__version__}") and "device cpu" in line and "\n" not in line
    )
    print_environment("cpu")
    assert capsys.readouterr().out.strip() == line


def test_mps_is_opt_in_never_automatic(monkeypatch):
    monkeypatch.delenv("AIOT_DEVICE", raising=False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert get_device().type in ("cuda", "cpu")


def test_mps_selected_when_requested_and_available(monkeypatch):
    monkeypatch.setenv("AIOT_DEVICE", "mps")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert get_device() == torch.device("mps")
    assert get_device("MPS") == torch.device("mps")
    assert "device mps (Apple GPU)" in environment_report(torch.device("mps"))


def test_mps_requested_but_unavailable_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("AIOT_DEVICE", "mps")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="AIOT_DEVICE=cpu"):
        get_device()


def test_unknown_device_lists_mps(monkeypatch):
    monkeypatch.setenv("AIOT_DEVICE", "metal")
    with pytest.raises(ValueError, match="mps"):
        get_device()


def test_float64_device_pins_cpu_only_for_mps():
    from aiotkit.device import float64_device

    assert float64_device("mps") == torch.device("cpu")
    assert float64_device(torch.device("cpu")) == torch.device("cpu")
    assert float64_device("cuda") == torch.device("cuda")
