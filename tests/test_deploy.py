import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from aiotkit.deploy import (
    known_warnings,
    ort_session,
    read_onnx_metadata,
    sliding_windows,
    write_onnx_metadata,
)


def _old_api():
    warnings.warn("old_api is deprecated, use new_api", DeprecationWarning, stacklevel=2)
    return 42


def test_known_warnings_records_only_the_expected_warning(recwarn):
    with known_warnings((DeprecationWarning, r"old_api is deprecated")) as caught:
        assert _old_api() == 42
        assert _old_api() == 42  # a repeat is recorded too
        warnings.warn("something else", UserWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["old_api is deprecated, use new_api"] * 2
    # the unexpected warning is passed on, not swallowed
    assert [str(w.message) for w in recwarn] == ["something else"]


def test_known_warnings_matches_anywhere_in_the_message():
    with known_warnings((DeprecationWarning, r"use new_api")) as caught:
        _old_api()
    assert len(caught) == 1 and caught[0].category is DeprecationWarning


def test_known_warnings_category_must_match(recwarn):
    with known_warnings((FutureWarning, r"old_api")) as caught:
        _old_api()
    assert caught == []


def test_known_warnings_passes_exceptions_through():
    with pytest.raises(RuntimeError, match="boom"), known_warnings((UserWarning, "x")):
        raise RuntimeError("boom")


@pytest.mark.parametrize(
    "rules", [(), ((DeprecationWarning,),), (("DeprecationWarning", "x"),), ((ValueError, "x"),)]
)
def test_known_warnings_bad_rules(rules):
    with pytest.raises(ValueError, match="규칙"), known_warnings(*rules):
        pass


def _export_linear(path):
    model = nn.Linear(3, 2).eval()
    torch.onnx.export(
        model,
        (torch.randn(4, 3),),
        str(path),
        dynamo=True,
        dynamic_shapes={"input": {0: torch.export.Dim("batch", min=1, max=64)}},
        external_data=False,
        verbose=False,
    )
    return model


@pytest.fixture(scope="module")
def onnx_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("onnx") / "linear.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # exporter-internal FutureWarnings are not under test
        model = _export_linear(path)
    return path, model


def test_onnx_metadata_round_trip_and_runtime(onnx_file):
    path, model = onnx_file
    write_onnx_metadata(path, {"classes": ["a", "b"], "mean": [0.5, 1.5], "note": "한국어"})
    write_onnx_metadata(path, {"window": 100})  # adds, keeps the earlier keys
    meta = read_onnx_metadata(path)
    assert meta == {"classes": ["a", "b"], "mean": [0.5, 1.5], "note": "한국어", "window": 100}
    session = ort_session(path, threads=1)
    raw = session.get_modelmeta().custom_metadata_map
    assert json.loads(raw["classes"]) == ["a", "b"]
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    (out,) = session.run(None, {session.get_inputs()[0].name: x})
    np.testing.assert_allclose(out, model(torch.from_numpy(x)).detach().numpy(), atol=1e-5)


def test_onnx_metadata_bad_input(onnx_file, tmp_path):
    path, _ = onnx_file
    with pytest.raises(TypeError, match="JSON"):
        write_onnx_metadata(path, {"mean": np.zeros(3)})
    with pytest.raises(TypeError, match="키"):
        write_onnx_metadata(path, {"": 1})
    with pytest.raises(FileNotFoundError, match="missing.onnx"):
        write_onnx_metadata(tmp_path / "missing.onnx", {"a": 1})
    with pytest.raises(FileNotFoundError, match="missing.onnx"):
        read_onnx_metadata(tmp_path / "missing.onnx")
    with pytest.raises(FileNotFoundError, match="missing.onnx"):
        ort_session(tmp_path / "missing.onnx")
    for threads in (0, 1.5, True):
        with pytest.raises(ValueError, match="threads"):
            ort_session(path, threads=threads)


def test_sliding_windows_layout_and_hop():
    stream = np.arange(20, dtype=np.float32).reshape(10, 2)  # (time=10, channels=2)
    windows = sliding_windows(stream, window=4, hop=3)
    assert windows.shape == (3, 2, 4)  # starts 0, 3, 6
    np.testing.assert_array_equal(windows[1], stream[3:7].T)
    assert windows.flags["C_CONTIGUOUS"]
    assert sliding_windows(stream, window=10).shape == (1, 2, 10)
    assert sliding_windows(stream, window=1).shape == (10, 2, 1)


@pytest.mark.parametrize(
    ("stream", "window", "hop", "match"),
    [
        (np.zeros(10), 4, 1, "2차원"),
        (np.zeros((3, 2)), 4, 1, "짧습니다"),
        (np.zeros((10, 2)), 0, 1, "window"),
        (np.zeros((10, 2)), 4, 0, "hop"),
        (np.zeros((10, 2)), 4.0, 1, "window"),
    ],
)
def test_sliding_windows_bad_input(stream, window, hop, match):
    with pytest.raises(ValueError, match=match):
        sliding_windows(stream, window, hop)


# --- the edge script of aiot_applications/04: numpy + onnxruntime only, in its own process ---

EDGE_SCRIPT = (
    Path(__file__).resolve().parent.parent / "aiot_applications" / "scripts" / "edge_infer.py"
)


@pytest.fixture(scope="module")
def packaged_conv(tmp_path_factory):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv1d(2, 3, 3), nn.AdaptiveAvgPool1d(1), nn.Flatten()).eval()
    path = tmp_path_factory.mktemp("edge") / "conv.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # exporter-internal FutureWarnings are not under test
        torch.onnx.export(
            model,
            (torch.randn(4, 2, 8),),
            str(path),
            dynamo=True,
            dynamic_shapes={"input": {0: torch.export.Dim("batch", min=1, max=64)}},
            external_data=False,
            verbose=False,
        )
    meta = {"mean": [1.0, -2.0], "std": [2.0, 0.5], "classes": ["a", "b", "c"], "window": 8}
    write_onnx_metadata(path, meta)
    return path, model, meta


def _run_edge(*args):
    return subprocess.run(
        [sys.executable, str(EDGE_SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_edge_script_matches_pytorch(packaged_conv, tmp_path):
    path, model, meta = packaged_conv
    stream = np.random.default_rng(1).normal(0, 2, size=(30, 2)).astype(np.float32)
    np.save(tmp_path / "stream.npy", stream)
    done = _run_edge(path, tmp_path / "stream.npy", tmp_path / "out.npz", "--hop", "3")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["windows"] == 8 and summary["samples"] == 30  # starts 0, 3, …, 21
    assert summary["torch_imported"] is False
    assert 0 < summary["p50_ms"] <= summary["p99_ms"]
    for key in ("import_ms", "session_ms", "first_run_ms"):  # cold-start costs
        assert summary[key] > 0, key
    if sys.platform.startswith("linux"):  # ru_maxrss: the process holds at least NumPy + ORT
        assert 10 < summary["peak_rss_mb"] < 4096
        assert summary["ru_maxrss_mb"] >= summary["peak_rss_mb"] * 0.99
    result = np.load(tmp_path / "out.npz")
    windows = sliding_windows(stream, window=8, hop=3)
    mean, std = np.array(meta["mean"])[:, None], np.array(meta["std"])[:, None]
    with torch.no_grad():
        expected = model(torch.from_numpy(((windows - mean) / std).astype(np.float32))).numpy()
    np.testing.assert_allclose(result["logits"], expected, atol=1e-5)
    np.testing.assert_array_equal(result["end_index"], np.arange(8) * 3 + 7)
    np.testing.assert_array_equal(result["predictions"], expected.argmax(axis=1))


def test_edge_script_rejects_bad_input(packaged_conv, tmp_path):
    path, _, _ = packaged_conv
    np.save(tmp_path / "short.npy", np.zeros((5, 2), dtype=np.float32))
    done = _run_edge(path, tmp_path / "short.npy", tmp_path / "out.npz")
    assert done.returncode != 0 and "shorter than one window" in done.stderr
    np.save(tmp_path / "wide.npy", np.zeros((20, 3), dtype=np.float32))
    done = _run_edge(path, tmp_path / "wide.npy", tmp_path / "out.npz")
    assert done.returncode != 0 and "stream must be (time, 2)" in done.stderr
    done = _run_edge(path, tmp_path / "wide.npy", tmp_path / "out.npz", "--hop", "0")
    assert done.returncode != 0 and "--hop" in done.stderr


def test_edge_script_keeps_other_tools_metadata(packaged_conv, tmp_path):
    # onnxruntime.quantization writes plain (non-JSON) strings into metadata_props
    path, _, meta = packaged_conv
    copy = tmp_path / "with_extra.onnx"
    copy.write_bytes(path.read_bytes())
    import onnx

    model = onnx.load(str(copy))
    onnx.helper.set_model_props(
        model, {**{p.key: p.value for p in model.metadata_props}, "onnx.quant.pre_process": "ort"}
    )
    onnx.save(model, str(copy))
    np.save(tmp_path / "stream.npy", np.zeros((10, 2), dtype=np.float32))
    done = _run_edge(copy, tmp_path / "stream.npy", tmp_path / "out.npz")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["windows"] == 1
