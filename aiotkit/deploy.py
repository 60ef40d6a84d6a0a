"""Helpers for the quantization and deployment notebooks (aiot_applications/03 and 04).

- :func:`known_warnings` — catch *only* the warnings a notebook expects from a deprecated or
  noisy API (e.g. ``torch.ao.quantization``, ``torch.jit``), so they can be shown as a lesson
  instead of cluttering the output; any other warning is passed on unchanged.
- :func:`write_onnx_metadata` / :func:`read_onnx_metadata` — package a model with what it needs
  at inference time (normalisation statistics, class names) inside the ``.onnx`` file itself.
- :func:`ort_session` — an ONNX Runtime CPU session with a fixed thread count (an edge device).
- :func:`sliding_windows` — the windows a streaming loop sees over a sensor stream.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "known_warnings",
    "ort_session",
    "read_onnx_metadata",
    "sliding_windows",
    "write_onnx_metadata",
]


@contextmanager
def known_warnings(
    *rules: tuple[type[Warning], str],
) -> Iterator[list[warnings.WarningMessage]]:
    """Record the warnings that match ``rules`` instead of printing them; pass others on.

    Each rule is ``(category, message_regex)``; a warning matches when it is an instance of
    ``category`` and ``re.search(message_regex, str(message))`` succeeds. Matching warnings are
    always recorded (even a repeat) and yielded as a list, so a notebook can print what the
    library said. Any other warning is shown exactly as it would have been without this block.

    Example::

        with known_warnings((DeprecationWarning, r"torch\\.ao\\.quantization")) as caught:
            model_q = torch.ao.quantization.quantize_dynamic(model, {nn.Linear})
        print(caught[0].message)

    Raises:
        ValueError: no rule given, or a rule is not ``(Warning subclass, str)``.
        re.error: a message pattern is not a valid regular expression.
    """
    if not rules:
        raise ValueError("known_warnings에 (경고 종류, 메시지 정규식) 규칙을 하나 이상 주세요")
    compiled: list[tuple[type[Warning], re.Pattern[str]]] = []
    for rule in rules:
        if (
            not isinstance(rule, tuple)
            or len(rule) != 2
            or not (isinstance(rule[0], type) and issubclass(rule[0], Warning))
            or not isinstance(rule[1], str)
        ):
            raise ValueError(
                "규칙은 (Warning 하위 클래스, 메시지 정규식 str) 튜플이어야 합니다, "
                f"예: (DeprecationWarning, r'is deprecated'); got {rule!r}"
            )
        compiled.append((rule[0], re.compile(rule[1])))
    caught: list[warnings.WarningMessage] = []
    recorded: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as recorded:
            # the current filters stay for everything else; only the known warnings are forced
            # on ("always"), so they are recorded even when they were already shown once
            for category, pattern in compiled:
                # filterwarnings anchors its regex at the start of the message: allow a prefix
                warnings.filterwarnings(
                    "always", message=f"(?s).*?(?:{pattern.pattern})", category=category
                )
            yield caught
    finally:
        for item in recorded:
            matched = any(
                issubclass(item.category, category) and pattern.search(str(item.message))
                for category, pattern in compiled
            )
            if matched:
                caught.append(item)
            else:  # it passed the filters, so it would have been shown: show it now
                warnings.showwarning(
                    item.message, item.category, item.filename, item.lineno, item.file, item.line
                )


def _check_file(path: str | os.PathLike[str], what: str) -> Path:
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(
            f"{what} 파일이 없습니다: {p.name} — 먼저 모델을 내보내세요(export)."
        )
    return p


def write_onnx_metadata(path: str | os.PathLike[str], metadata: Mapping[str, Any]) -> None:
    """Store ``metadata`` in the ONNX file's ``metadata_props`` (each value JSON-encoded).

    The model stays one self-contained file: a runtime reads the values back with
    ``InferenceSession.get_modelmeta().custom_metadata_map`` and ``json.loads``. Existing keys
    with the same names are replaced; other keys are kept. The file must hold its weights
    inline (``torch.onnx.export(..., external_data=False)``).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        TypeError: a key is not a non-empty str, or a value cannot be JSON-encoded.
    """
    import onnx

    p = _check_file(path, "ONNX")
    encoded: dict[str, str] = {}
    for key, value in metadata.items():
        if not isinstance(key, str) or not key:
            raise TypeError(f"메타데이터 키는 비어 있지 않은 문자열이어야 합니다 (got {key!r})")
        try:
            encoded[key] = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"메타데이터 '{key}'를 JSON으로 바꿀 수 없습니다 ({type(value).__name__}); "
                "numpy 배열은 .tolist()로, 숫자는 float()/int()로 바꿔 넣으세요"
            ) from exc
    model = onnx.load(str(p))
    kept = {prop.key: prop.value for prop in model.metadata_props if prop.key not in encoded}
    onnx.helper.set_model_props(model, {**kept, **encoded})
    onnx.save(model, str(p))


def read_onnx_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read back what :func:`write_onnx_metadata` stored (values JSON-decoded).

    A value that is not valid JSON (written by another tool) is returned as the raw string.

    Raises:
        FileNotFoundError: ``path`` does not exist.
    """
    import onnx

    p = _check_file(path, "ONNX")
    model = onnx.load(str(p), load_external_data=False)
    result: dict[str, Any] = {}
    for prop in model.metadata_props:
        try:
            result[prop.key] = json.loads(prop.value)
        except json.JSONDecodeError:
            result[prop.key] = prop.value
    return result


def ort_session(path: str | os.PathLike[str], threads: int = 1) -> Any:
    """An ONNX Runtime ``InferenceSession`` on the CPU using ``threads`` threads.

    ``intra_op_num_threads = threads``, ``inter_op_num_threads = 1`` and sequential execution:
    with ``threads=1`` this behaves like a single-core edge device.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: ``threads`` < 1.
    """
    import onnxruntime as ort

    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads는 1 이상의 정수여야 합니다 (got {threads!r})")
    p = _check_file(path, "ONNX")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(str(p), options, providers=["CPUExecutionProvider"])


def sliding_windows(stream: np.ndarray, window: int, hop: int = 1) -> np.ndarray:
    """Windows over a sensor stream, in the ``(n_windows, channels, window)`` model layout.

    ``stream`` has shape ``(time, channels)`` (one row per sample, as a sensor delivers it).
    Window ``i`` covers samples ``[i * hop, i * hop + window)``: the windows a streaming loop
    produces when it predicts every ``hop`` samples once ``window`` samples have arrived.

    Raises:
        ValueError: ``stream`` is not 2-D, ``window`` or ``hop`` < 1, or the stream is
            shorter than one window.
    """
    arr = np.asarray(stream)
    if arr.ndim != 2:
        raise ValueError(f"stream은 (time, channels) 2차원 배열이어야 합니다; got {arr.shape}")
    for name, value in (("window", window), ("hop", hop)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}는 1 이상의 정수여야 합니다 (got {value!r})")
    if len(arr) < window:
        raise ValueError(f"stream이 윈도우 하나보다 짧습니다: 샘플 {len(arr)}개 < window {window}")
    views = np.lib.stride_tricks.sliding_window_view(arr, window, axis=0)  # (n, C, window)
    return np.ascontiguousarray(views[::hop])
