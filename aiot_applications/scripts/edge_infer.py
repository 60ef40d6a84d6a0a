"""Edge inference: replay a sensor stream sample by sample through a packaged ONNX model.

This is what would run on the device (for example a Raspberry Pi with
``pip install numpy onnxruntime``): it imports only the standard library, NumPy and ONNX
Runtime — no PyTorch. Everything it needs besides the weights (normalisation statistics, class
names, window length) is read from the model file's metadata, written by
``aiotkit.deploy.write_onnx_metadata`` in aiot_applications/04_deployment_tools.ipynb.

    python edge_infer.py MODEL.onnx STREAM.npy RESULT.npz [--hop 10] [--threads 1]

STREAM.npy holds raw sensor samples, shape (time, channels), in the order a sensor delivers
them. Once ``window`` samples have arrived the loop predicts every ``hop`` samples. Per
prediction it times pre-processing + inference. It writes the logits, predictions, window end
indices and latencies to RESULT.npz and prints one JSON line with the summary. The summary also
holds what an edge engineer checks besides latency: the cold-start costs (importing NumPy and
ONNX Runtime, creating the session, the first inference) and the process's peak resident memory.
"""

from __future__ import annotations

import time

_START = time.perf_counter()  # before the heavy imports, to time what a cold start costs

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from collections import deque  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import onnxruntime as ort  # noqa: E402

_IMPORTED = time.perf_counter()


def peak_rss_mb() -> float | None:
    """Peak resident memory (RSS) of this process so far, in MiB (None where unavailable).

    On Linux this is ``VmHWM`` from ``/proc/self/status``: the high-water mark of this process's
    own memory. ``ru_maxrss`` (:func:`ru_maxrss_mb`) is not used for it because on Linux a child
    started from a large process (a Jupyter kernel with PyTorch loaded) reports the parent's size
    there: the peak of the memory image it replaced at ``exec`` is kept.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 2**10  # kB
    except OSError:
        pass
    return ru_maxrss_mb()


def ru_maxrss_mb() -> float | None:
    """``resource.getrusage(RUSAGE_SELF).ru_maxrss`` in MiB (None on Windows)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, else KiB


def load_model(path: Path, threads: int) -> tuple[ort.InferenceSession, dict]:
    """Open the model on the CPU with ``threads`` threads and decode its metadata."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    raw = session.get_modelmeta().custom_metadata_map
    missing = {"mean", "std", "classes", "window"} - raw.keys()
    if missing:
        raise SystemExit(
            f"{path.name}: metadata {sorted(missing)} is missing — re-package the model"
        )
    return session, {key: _decode(value) for key, value in raw.items()}


def _decode(value: str) -> object:
    """A JSON value written by write_onnx_metadata; other tools' plain strings stay as they are
    (onnxruntime.quantization, for example, adds its own ``onnx.quant.pre_process`` entry)."""
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def run_stream(session: ort.InferenceSession, meta: dict, stream: np.ndarray, hop: int) -> dict:
    """Feed ``stream`` (time, channels) one sample at a time; predict every ``hop`` samples."""
    window = int(meta["window"])
    mean = np.asarray(meta["mean"], dtype=np.float32)[:, None]  # (channels, 1)
    std = np.asarray(meta["std"], dtype=np.float32)[:, None]
    if stream.ndim != 2 or stream.shape[1] != mean.shape[0]:
        raise SystemExit(f"stream must be (time, {mean.shape[0]}); got {stream.shape}")
    input_name = session.get_inputs()[0].name
    buffer: deque[np.ndarray] = deque(maxlen=window)  # the last `window` samples
    logits, ends, latencies, inference = [], [], [], []
    start = time.perf_counter()
    for t, sample in enumerate(stream):  # a sensor delivers one sample at a time
        buffer.append(sample)
        if len(buffer) < window or (t + 1 - window) % hop:
            continue
        tic = time.perf_counter()
        x = (np.stack(buffer, axis=1) - mean) / std  # (channels, window), normalised
        x = x[None].astype(np.float32)  # (1, channels, window)
        mid = time.perf_counter()
        (out,) = session.run(None, {input_name: x})
        toc = time.perf_counter()
        latencies.append(toc - tic)  # pre-processing + inference
        inference.append(toc - mid)  # inference alone
        logits.append(out[0])
        ends.append(t)
    elapsed = time.perf_counter() - start
    if not ends:
        raise SystemExit(
            f"the stream ({len(stream)} samples) is shorter than one window ({window})"
        )
    latency_ms = np.asarray(latencies) * 1e3
    return {
        "logits": np.asarray(logits, dtype=np.float32),
        "end_index": np.asarray(ends, dtype=np.int64),
        "latency_ms": latency_ms,
        "summary": {
            "windows": len(ends),
            "samples": len(stream),
            "p50_ms": float(np.percentile(latency_ms, 50)),
            "p99_ms": float(np.percentile(latency_ms, 99)),
            "inference_p50_ms": float(np.percentile(np.asarray(inference) * 1e3, 50)),
            "windows_per_s": len(ends) / elapsed,
            "samples_per_s": len(stream) / elapsed,
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("stream", type=Path)
    parser.add_argument("result", type=Path)
    parser.add_argument("--hop", type=int, default=10, help="predict every HOP samples")
    parser.add_argument("--threads", type=int, default=1, help="ONNX Runtime intra-op threads")
    args = parser.parse_args(argv)
    if args.hop < 1 or args.threads < 1:
        raise SystemExit("--hop and --threads must be >= 1")
    tic = time.perf_counter()
    session, meta = load_model(args.model, args.threads)
    session_ms = (time.perf_counter() - tic) * 1e3
    stream = np.load(args.stream, allow_pickle=False).astype(np.float32)
    first = np.zeros((1, len(meta["mean"]), int(meta["window"])), dtype=np.float32)
    tic = time.perf_counter()
    session.run(None, {session.get_inputs()[0].name: first})  # the first call pays one-off setup
    first_run_ms = (time.perf_counter() - tic) * 1e3
    result = run_stream(session, meta, stream, args.hop)
    predictions = result["logits"].argmax(axis=1)
    np.savez(
        args.result,
        logits=result["logits"],
        predictions=predictions,
        end_index=result["end_index"],
        latency_ms=result["latency_ms"],
    )
    summary = {
        **result["summary"],
        "classes_seen": sorted({meta["classes"][i] for i in predictions}),
        "torch_imported": "torch" in sys.modules,
        "import_ms": (_IMPORTED - _START) * 1e3,
        "session_ms": session_ms,
        "first_run_ms": first_run_ms,
        "peak_rss_mb": peak_rss_mb(),
        "ru_maxrss_mb": ru_maxrss_mb(),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
