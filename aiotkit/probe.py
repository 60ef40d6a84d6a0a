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

The transcript's format (:func:`~aiotkit.transcript.encode` / :func:`~aiotkit.transcript.decode`)
is in :mod:`aiotkit.transcript`. This module holds no reference answer and ships in the student
release.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import torch

from aiotkit.transcript import (
    _ARGREFS,
    _FOREIGN_OK,
    Unencodable,
    arg_objects,
    decode,
    encode,
    grad_leaves,
    is_callable_arg,
    restore,
    salted_seeds,
    set_rng_state,
    snapshot,
)

__all__ = ["run_notebook", "run_probe"]


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
                except Exception:  # noqa: BLE001 — never let recording break the student's call
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


def _one_line(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())[:300]


MAX_JACOBIAN = 4_000_000  # elements of all Jacobians of one result


def _jacobians(result: Any, inputs: list[torch.Tensor]) -> list | None:
    """d result / d input for each input (``None`` where unused), when ``result`` is a tensor in
    a graph that reaches the inputs and the Jacobians are small; else None."""
    if not (isinstance(result, torch.Tensor) and result.grad_fn is not None and inputs):
        return None
    if result.numel() * sum(t.numel() for t in inputs) > MAX_JACOBIAN:
        return None
    flat = result.reshape(-1)
    rows: list[list] = [[] for _ in inputs]
    try:
        for i in range(flat.numel()):
            grads = torch.autograd.grad(flat[i], inputs, retain_graph=True, allow_unused=True)
            for k, grad in enumerate(grads):
                rows[k].append(None if grad is None else grad.detach().reshape(-1))
    except RuntimeError:
        return None
    out: list = []
    for row, tensor in zip(rows, inputs, strict=True):
        if all(r is None for r in row):
            out.append(None)
        else:
            out.append(
                torch.stack(
                    [
                        torch.zeros(tensor.numel(), dtype=tensor.dtype) if r is None else r
                        for r in row
                    ]
                )
            )
    return out


def _call_record(solution: Any, request: dict, salt: int = 0, tmpbase: str | None = None) -> dict:
    """Call ``solution`` on one requested argument list and describe what happened."""
    from aiotkit.exercises.core import _GlobalStateGuard, _raised_by_stub

    try:
        args, kwargs = (
            decode(request["args"], callables=True),
            decode(request["kwargs"], callables=True),
        )
    except Exception as exc:  # noqa: BLE001 — e.g. a path the sandbox cannot write
        return {
            "unencodable": f"요청을 풀 수 없습니다: {_one_line(exc)}",
            "after": encode([[], {}]),
        }
    try:
        restore(tmpbase, request.get("tmp", []))  # the files the checker had made
    except OSError as exc:
        return {
            "unencodable": f"임시 폴더를 만들 수 없습니다: {_one_line(exc)}",
            "after": encode([[], {}]),
        }
    inputs = grad_leaves([args, kwargs])
    originals = {id(o): i for i, o in enumerate(arg_objects([args, kwargs]))}
    callback_log: list = []
    counter = [0]
    args = _wrap_callables(args, callback_log, counter)
    kwargs = _wrap_callables(kwargs, callback_log, counter)
    record: dict[str, Any] = {}
    guard = _GlobalStateGuard()
    try:
        with guard, salted_seeds(salt):
            if "rng" in request:  # the random state the checker's call would have met
                set_rng_state(request["rng"])
            result = solution(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 — the error is part of the transcript
        record["error"] = [type(exc).__name__, _one_line(exc), bool(_raised_by_stub(exc, solution))]
    else:
        _ARGREFS.append(originals)
        try:
            record["result"] = encode(result)
        except Unencodable as exc:
            record["unencodable"] = str(exc)
        finally:
            _ARGREFS.pop()
        with contextlib.suppress(Exception):
            jacobians = _jacobians(result, inputs)
            if jacobians is not None:
                record["jacobians"] = jacobians
    record["changed"] = list(guard.changed)
    try:
        record["tmp"] = snapshot(tmpbase)
    except (Unencodable, OSError) as exc:
        record["unencodable"] = f"임시 폴더: {exc}"
    _FOREIGN_OK.append(True)
    try:
        record["after"] = encode([_strip_callables(args), _strip_callables(kwargs)])
    except Unencodable as exc:
        record["unencodable"] = f"인자: {exc}"
        record["after"] = encode([[], {}])
    finally:
        _FOREIGN_OK.pop()
    record["callbacks"] = callback_log
    return record


def _strip_callables(value: Any) -> Any:
    if is_callable_arg(value) or isinstance(value, (type, torch.utils.data.DataLoader)):
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
    salt = int(requests.get("salt", 0))
    tmpbase = requests.get("tmpbase")
    calls = [_call_record(solution, r, salt, tmpbase) for r in requests["calls"]]
    out = Path(os.environ["AIOT_PROBE_OUT"])
    tmp = out / f".probe_{number}.tmp"
    try:
        torch.save({"notebook": notebook, "number": number, "calls": calls}, tmp)
    except Exception as exc:  # noqa: BLE001 — something in it was not plain data after all
        why = f"기록을 저장할 수 없습니다: {_one_line(exc)}"
        calls = [{"unencodable": why, "after": encode([[], {}])} for _ in calls]
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
