"""Probes: the part of grading that runs where the student's code runs (in the sandbox).

``make grade`` never lets the student's process decide a verdict. For each exercise the grader
first runs the checker on the reference answer and writes down the arguments of every call it
makes (a *request*). In the sandbox, the notebook runs; when it reaches ``check(nb, n, fn)``,
``fn`` is called on each requested argument list and the probe writes down, as plain data, what
came back (or which error was raised), what the arguments looked like afterwards (to catch
in-place changes) and the calls that ``fn`` made to callables it received. That *transcript*
goes back as a ``torch.save`` file that the grader reads with ``weights_only=True`` (no code can
run while loading it). The judge (:mod:`aiotkit.grading`) then runs the real checker outside the
sandbox with a replayer in place of the student's function, so the verdict is computed by grader
code only.

This module holds no reference answer and ships in the student release.
"""

from __future__ import annotations

import builtins
import importlib
import json
import marshal
import os
import sys
import types
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import torch

__all__ = ["Unencodable", "decode", "encode", "run_notebook", "run_probe"]

MAX_ITEMS = 100_000  # elements in one container
MAX_DEPTH = 20
MAX_STR = 100_000


class Unencodable(TypeError):
    """A value that is not plain data (and not a shippable callable)."""


# --- plain data <-> tagged tuples (what torch.load(weights_only=True) can read) ----------------


def _tensor(value: torch.Tensor) -> torch.Tensor:
    if value.layout != torch.strided or value.is_quantized:
        raise Unencodable(f"{value.layout} 텐서")
    return value.detach().cpu().as_subclass(torch.Tensor).clone().contiguous()


def encode(value: Any, *, callables: bool = False, depth: int = 0) -> tuple:
    """Turn ``value`` into nested tagged tuples of plain data; :class:`Unencodable` otherwise.

    With ``callables=True`` (requests only: grader → sandbox), functions are shipped as code."""
    if depth > MAX_DEPTH:
        raise Unencodable("너무 깊게 중첩된 값")
    kind = type(value)
    if value is None:
        return ("none",)
    if kind is bool:
        return ("bool", value)
    if kind is int:
        return ("int", value)
    if kind is float:
        return ("float", value)
    if kind is str:
        if len(value) > MAX_STR:
            raise Unencodable("너무 긴 문자열")
        return ("str", value)
    if isinstance(value, torch.Tensor):
        if callables and (  # an input: a copy would lose its storage sharing and strides
            not value.is_contiguous()
            or value.storage_offset() != 0
            or value.untyped_storage().nbytes() != value.numel() * value.element_size()
        ):
            raise Unencodable("뷰(view)이거나 연속적이지 않은 텐서 인자")
        grad = value.grad if value.is_leaf else None
        return (
            "tensor",
            _tensor(value),
            bool(value.requires_grad),
            None if grad is None else _tensor(grad),
        )
    if kind is np.ndarray:
        if value.dtype.kind not in "biuf":
            raise Unencodable(f"dtype {value.dtype} 배열")
        return ("ndarray", torch.from_numpy(np.ascontiguousarray(value).copy()), str(value.dtype))
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return ("npscalar", str(value.dtype), value.item())
    if kind is torch.dtype:
        return ("dtype", str(value).removeprefix("torch."))
    if kind is torch.Size:
        return ("size", [int(v) for v in value])
    if kind in (tuple, list):
        if len(value) > MAX_ITEMS:
            raise Unencodable("너무 긴 리스트")
        items = [encode(v, callables=callables, depth=depth + 1) for v in value]
        return (kind.__name__, items)
    if kind in (dict, OrderedDict):
        if len(value) > MAX_ITEMS:
            raise Unencodable("너무 큰 사전")
        return (
            "dict" if kind is dict else "odict",
            [
                (
                    encode(k, callables=callables, depth=depth + 1),
                    encode(v, callables=callables, depth=depth + 1),
                )
                for k, v in value.items()
            ],
        )
    if callables and callable(value):
        return _encode_callable(value, depth)
    raise Unencodable(f"{kind.__module__}.{kind.__qualname__}")


def _encode_callable(value: Any, depth: int) -> tuple:
    module = getattr(value, "__module__", None) or ""
    name = getattr(value, "__qualname__", None) or ""
    if not isinstance(value, types.FunctionType) or module.split(".")[0] in ("torch", "numpy"):
        owner = importlib.import_module(module) if module else None
        for candidate in (name, getattr(value, "__name__", "") or ""):
            target = owner
            for part in candidate.split("."):
                target = getattr(target, part, None)
            if candidate and target is not None and (target is value or target == value):
                return ("ref", module, candidate)
        raise Unencodable(f"보낼 수 없는 호출 가능 객체 {module}.{name}")
    glob = {}
    for global_name in value.__code__.co_names:
        if global_name in value.__globals__:
            held = value.__globals__[global_name]
            if isinstance(held, types.ModuleType):
                glob[global_name] = ("module", held.__name__)
            else:
                try:
                    glob[global_name] = encode(held, callables=True, depth=depth + 1)
                except Unencodable:
                    continue
    closure = [
        encode(cell.cell_contents, callables=True, depth=depth + 1)
        for cell in (value.__closure__ or ())
    ]
    defaults = encode(tuple(value.__defaults__ or ()), callables=True, depth=depth + 1)
    return ("fn", list(marshal.dumps(value.__code__)), glob, closure, defaults)


_NP_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}
_NP_DTYPES |= {"float16", "float32", "float64"}


def decode(item: Any, *, callables: bool = False, depth: int = 0) -> Any:
    """Inverse of :func:`encode`; raises ``ValueError`` on anything malformed."""
    if depth > MAX_DEPTH or not isinstance(item, tuple) or not item or not isinstance(item[0], str):
        raise ValueError("형식이 잘못된 기록")
    tag, rest = item[0], item[1:]
    if tag == "none" and not rest:
        return None
    if tag in ("bool", "int", "float", "str") and len(rest) == 1:
        kind = {"bool": bool, "int": int, "float": float, "str": str}[tag]
        if type(rest[0]) is not kind:
            raise ValueError(f"{tag} 기록에 {type(rest[0]).__name__}")
        return rest[0]
    if tag == "tensor" and len(rest) == 3 and type(rest[0]) is torch.Tensor:
        tensor = rest[0].clone()
        if rest[1] is True and (tensor.is_floating_point() or tensor.is_complex()):
            tensor.requires_grad_(True)
        if type(rest[2]) is torch.Tensor:
            tensor.grad = rest[2].clone()
        return tensor
    if tag == "ndarray" and len(rest) == 2 and type(rest[0]) is torch.Tensor:
        if rest[1] not in _NP_DTYPES:
            raise ValueError("알 수 없는 dtype")
        return rest[0].numpy().astype(rest[1], copy=True)
    if tag == "npscalar" and len(rest) == 2 and rest[0] in _NP_DTYPES:
        if type(rest[1]) not in (bool, int, float):
            raise ValueError("NumPy 스칼라 기록이 잘못됨")
        return np.dtype(rest[0]).type(rest[1])
    if (
        tag == "dtype"
        and len(rest) == 1
        and isinstance(getattr(torch, str(rest[0]), None), torch.dtype)
    ):
        return getattr(torch, rest[0])
    if tag == "size" and len(rest) == 1 and isinstance(rest[0], list):
        return torch.Size([int(v) for v in rest[0] if type(v) is int])
    if tag in ("tuple", "list") and len(rest) == 1 and isinstance(rest[0], list):
        if len(rest[0]) > MAX_ITEMS:
            raise ValueError("너무 긴 리스트")
        items = [decode(v, callables=callables, depth=depth + 1) for v in rest[0]]
        return tuple(items) if tag == "tuple" else items
    if tag in ("dict", "odict") and len(rest) == 1 and isinstance(rest[0], list):
        out = {} if tag == "dict" else OrderedDict()
        for pair in rest[0][:MAX_ITEMS]:
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise ValueError("사전 기록이 잘못됨")
            key = decode(pair[0], callables=callables, depth=depth + 1)
            if isinstance(key, (list, dict, torch.Tensor, np.ndarray)):
                raise ValueError("사전 키가 잘못됨")
            out[key] = decode(pair[1], callables=callables, depth=depth + 1)
        return out
    if callables and tag == "ref" and len(rest) == 2:
        target = importlib.import_module(rest[0])
        for part in rest[1].split("."):
            target = getattr(target, part)
        return target
    if callables and tag == "fn" and len(rest) == 4:
        code = marshal.loads(bytes(rest[0]))
        glob: dict[str, Any] = {"__builtins__": builtins}
        for name, held in rest[1].items():
            if held[0] == "module":
                glob[name] = importlib.import_module(held[1])
            else:
                glob[name] = decode(held, callables=True, depth=depth + 1)
        cells = tuple(types.CellType(decode(c, callables=True, depth=depth + 1)) for c in rest[2])
        defaults = decode(rest[3], callables=True, depth=depth + 1)
        return types.FunctionType(code, glob, code.co_name, defaults or None, cells or None)
    raise ValueError(f"알 수 없는 기록 {tag!r}")


def is_callable_arg(value: Any) -> bool:
    return callable(value) and not isinstance(value, (torch.Tensor, np.ndarray, type))


def _wrap_callables(value: Any, log: list, counter: list[int]) -> Any:
    """Replace every callable inside ``value`` (depth first, in order) by a recorder that logs
    ``(its index, its arguments)`` on each call."""
    if is_callable_arg(value):
        index = counter[0]
        counter[0] += 1

        def recorded(*args: Any, **kwargs: Any) -> Any:
            if len(log) < 10_000:
                try:
                    log.append((index, encode([list(args), kwargs])))
                except Unencodable:
                    log.append((index, ("unencodable",)))
            return value(*args, **kwargs)

        return recorded
    if isinstance(value, list):
        return [_wrap_callables(v, log, counter) for v in value]
    if isinstance(value, tuple):
        return tuple(_wrap_callables(v, log, counter) for v in value)
    if isinstance(value, dict):
        return {k: _wrap_callables(v, log, counter) for k, v in value.items()}
    return value


def callables_in(value: Any) -> list[Any]:
    """The callables inside ``value`` in the order :func:`_wrap_callables` numbers them."""
    if is_callable_arg(value):
        return [value]
    if isinstance(value, (list, tuple)):
        return [c for v in value for c in callables_in(v)]
    if isinstance(value, dict):
        return [c for v in value.values() for c in callables_in(v)]
    return []


def _one_line(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())[:300]


def _call_record(solution: Any, request: dict) -> dict:
    """Call ``solution`` on one requested argument list and describe what happened."""
    from aiotkit.exercises.core import _GlobalStateGuard, _raised_by_stub

    args, kwargs = (
        decode(request["args"], callables=True),
        decode(request["kwargs"], callables=True),
    )
    callback_log: list = []
    counter = [0]
    args = _wrap_callables(args, callback_log, counter)
    kwargs = _wrap_callables(kwargs, callback_log, counter)
    record: dict[str, Any] = {}
    guard = _GlobalStateGuard()
    try:
        with guard:
            result = solution(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 — the error is part of the transcript
        record["error"] = [type(exc).__name__, _one_line(exc), bool(_raised_by_stub(exc, solution))]
    else:
        try:
            record["result"] = encode(result)
        except Unencodable as exc:
            record["unencodable"] = str(exc)
    record["changed"] = list(guard.changed)
    try:
        record["after"] = encode([_strip_callables(args), _strip_callables(kwargs)])
    except Unencodable as exc:
        record["unencodable"] = f"인자: {exc}"
    record["callbacks"] = callback_log
    return record


def _strip_callables(value: Any) -> Any:
    if is_callable_arg(value):
        return None
    if isinstance(value, list):
        return [_strip_callables(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_strip_callables(v) for v in value)
    if isinstance(value, dict):
        return {k: _strip_callables(v) for k, v in value.items()}
    return value


def run_probe(notebook: str, number: int, solution: Any) -> bool:
    """Called by ``check`` when ``$AIOT_PROBE_DIR`` is set: record ``solution``'s behaviour on
    the grader's requested calls into ``$AIOT_PROBE_OUT/probe_<n>.pt``. Returns False when there
    is no request for this exercise."""
    request_file = Path(os.environ["AIOT_PROBE_DIR"]) / f"request_{number}.pt"
    if not request_file.exists():
        return False
    requests = torch.load(request_file, weights_only=False)  # written by the grader
    if requests.get("notebook") != notebook:
        return False
    calls = [_call_record(solution, r) for r in requests["calls"]]
    out = Path(os.environ["AIOT_PROBE_OUT"])
    tmp = out / f".probe_{number}.tmp"
    torch.save({"notebook": notebook, "number": number, "calls": calls}, tmp)
    os.replace(tmp, out / f"probe_{number}.pt")
    return True


def run_notebook(path: str, out: str) -> int:
    """Run a notebook's code cells in this process (inside the sandbox), top to bottom, with
    IPython; write ``status.json`` (how far it got) to ``out``. Outputs are discarded."""
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    status_file = Path(out) / "status.json"

    def status(**fields: Any) -> None:
        tmp = status_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(fields, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, status_file)

    nb = nbformat.read(path, as_version=4)
    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    os.chdir(Path(path).parent)
    sys.path.insert(0, str(Path(path).parent))
    cells = [c for c in nb.cells if c.cell_type == "code"]
    for index, cell in enumerate(cells):
        status(state="running", cell=index)
        result = shell.run_cell(cell.source, store_history=False, silent=False)
        error = result.error_before_exec or result.error_in_exec
        if error is not None:
            status(state="errored", cell=index, error=_one_line(error))
            return 3
    status(state="finished", cell=len(cells))
    return 0


if __name__ == "__main__":
    sys.exit(run_notebook(sys.argv[1], sys.argv[2]))
