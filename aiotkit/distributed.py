"""Launching multi-process jobs (torchrun, or scripts that spawn workers) from a notebook.

advanced/04 writes a DDP training script with ``%%writefile`` and launches it with ``torchrun``
from a code cell. Worker scripts print their results as single lines ``RESULT {json}``;
:func:`run_torchrun` starts the job with a timeout, captures torchrun's noisy log (it has
absolute paths and timestamps, so it is kept out of notebook outputs), parses the result lines,
counts the elastic restarts and makes sure that no process of the job survives.
:func:`run_torchrun_nodes` does the same for a multi-node launch simulated on one machine
(one torchrun launcher per "node", meeting at a c10d rendezvous on 127.0.0.1).
:func:`as_single_worker` lets the notebook's own process stand in for the one worker of a
one-process job, without a launcher (no second ``import torch``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiotkit.paths import project_root
from aiotkit.processes import free_port, process_group_alive, stop_process_group

__all__ = [
    "RESULT_PREFIX",
    "JobResult",
    "as_single_worker",
    "log_tail",
    "parse_results",
    "run_script",
    "run_torchrun",
    "run_torchrun_nodes",
    "torchrun_args",
]

RESULT_PREFIX = "RESULT "
_RESTART_LINE = re.compile(r"will restart worker group")
# torchrun's own INFO lines ("I1202 07:22:17.644000 31234 path:line] ..."): launch settings and
# rendezvous details, never the cause of a failure.
_INFO_LINE = re.compile(r"^I\d{4} \d\d:\d\d:\d\d")

# Set for every job: one OpenMP thread per worker (torchrun warns otherwise), unbuffered prints,
# the agent's INFO log (it announces restarts), and a separate rendezvous store for the workers —
# with the shared one, gloo restarts hang or fail about half the time (pytorch/pytorch#135712).
DEFAULT_JOB_ENV = {
    "OMP_NUM_THREADS": "1",
    "PYTHONUNBUFFERED": "1",
    "LOGLEVEL": "INFO",
    "TORCH_DISABLE_SHARE_RDZV_TCP_STORE": "1",
}


def torchrun_args(
    script: str | os.PathLike[str],
    nproc_per_node: int,
    *,
    script_args: Sequence[str] = (),
    max_restarts: int = 0,
    nnodes: str | int = 1,
    rdzv_endpoint: str | None = None,
    rdzv_id: str | None = None,
    node_rank: int | None = None,
) -> list[str]:
    """Arguments of a ``torchrun`` command (everything after the word ``torchrun``).

    Without ``rdzv_endpoint`` the job is ``--standalone``: one machine, a rendezvous on a free
    local port. With it, every node runs the same command and meets at ``host:port``
    (``--rdzv-backend=c10d``); ``nnodes`` may be a range such as ``"1:4"`` for elastic jobs.
    ``node_rank`` adds ``--node-rank`` (the c10d rendezvous assigns the global ranks itself;
    the flag only labels the node in logs and for static launches).

    Raises:
        ValueError: ``nproc_per_node`` < 1, ``max_restarts`` < 0, or a multi-node job
            without ``rdzv_endpoint``.
    """
    if isinstance(nproc_per_node, bool) or not isinstance(nproc_per_node, int):
        raise ValueError(f"nproc_per_node는 정수여야 합니다 (got {nproc_per_node!r})")
    if nproc_per_node < 1:
        raise ValueError(f"nproc_per_node는 1 이상이어야 합니다 (got {nproc_per_node})")
    if node_rank is not None and (
        isinstance(node_rank, bool) or not isinstance(node_rank, int) or node_rank < 0
    ):
        raise ValueError(f"node_rank는 0 이상의 정수여야 합니다 (got {node_rank!r})")
    if max_restarts < 0:
        raise ValueError(f"max_restarts는 0 이상이어야 합니다 (got {max_restarts})")
    args: list[str] = []
    if rdzv_endpoint is None:
        if str(nnodes) != "1":
            raise ValueError(
                f"nnodes={nnodes!r}: 여러 노드가 만나려면 rdzv_endpoint='호스트:포트'가 필요합니다"
            )
        args.append("--standalone")
    else:
        args += [f"--nnodes={nnodes}", "--rdzv-backend=c10d", f"--rdzv-endpoint={rdzv_endpoint}"]
        if rdzv_id is not None:
            args.append(f"--rdzv-id={rdzv_id}")
        if node_rank is not None:
            args.append(f"--node-rank={node_rank}")
    args.append(f"--nproc-per-node={nproc_per_node}")
    if max_restarts:
        args.append(f"--max-restarts={max_restarts}")
    return [*args, os.fspath(script), *map(str, script_args)]


def parse_results(output: str) -> list[dict]:
    """The JSON objects of all ``RESULT {json}`` lines in ``output``, in order of appearance.

    Text that another process wrote onto the same line after the object is ignored; a line
    whose object is cut or malformed is skipped (the job's log still has it), so a failed
    job's own error is what the caller sees.
    """
    decoder = json.JSONDecoder()
    results = []
    for line in output.splitlines():
        start = line.find(RESULT_PREFIX + "{")
        if start >= 0:
            try:
                value, _ = decoder.raw_decode(line, start + len(RESULT_PREFIX))
            except json.JSONDecodeError:
                continue
            results.append(value)
    return results


@dataclass
class JobResult:
    """What a finished job (torchrun or a script) left: its results and how it went."""

    returncode: int
    results: list[dict]
    restarts: int
    seconds: float
    pgid: int
    output: str = field(repr=False)

    def by_rank(self, event: str | None = None) -> dict[int, dict]:
        """The last result of each rank (optionally only those with ``event``), keyed by rank."""
        chosen = [r for r in self.results if event is None or r.get("event") == event]
        return {int(r["rank"]): r for r in chosen if "rank" in r}


def _start_job(command: list[str], env: Mapping[str, str]) -> subprocess.Popen[str]:
    """Start ``command`` from the project root in a new process group (its own session), with
    ``env`` as its whole environment and its stdout and stderr captured together as text."""
    return subprocess.Popen(
        command,
        cwd=project_root(),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _run_job(command: list[str], timeout: float, env: Mapping[str, str] | None) -> JobResult:
    """Run ``command`` from the project root in its own process group; capture and clean up."""
    if timeout <= 0:
        raise ValueError(f"timeout은 0보다 커야 합니다 (got {timeout})")
    job_env = {**os.environ, **DEFAULT_JOB_ENV, **(env or {})}
    start = time.perf_counter()
    proc = _start_job(command, job_env)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_process_group(proc.pid)
        output, _ = proc.communicate()
        raise TimeoutError(
            f"작업이 {timeout:.0f}초 안에 끝나지 않아 멈췄습니다. 로그의 끝:\n{log_tail(output, 2000)}"
        ) from None
    finally:
        if process_group_alive(proc.pid):  # 남은 워커가 있으면 정리
            stop_process_group(proc.pid)
    return JobResult(
        returncode=proc.returncode,
        results=parse_results(output),
        restarts=len(_RESTART_LINE.findall(output)),
        seconds=time.perf_counter() - start,
        pgid=proc.pid,
        output=output,
    )


def _script_path(script: str | os.PathLike[str]) -> None:
    path = Path(script)
    if not (path if path.is_absolute() else project_root() / path).is_file():
        raise FileNotFoundError(f"스크립트가 없습니다: {os.fspath(script)} (저장소 루트 기준 경로)")


def log_tail(output: str, limit: int = 3000) -> str:
    """The last ``limit`` characters of a job's log without torchrun's INFO lines.

    What is left are the workers' own prints and errors (tracebacks) and the launcher's
    warnings and errors, which is where the cause of a failure is. A log that is all INFO
    lines is returned as it is.
    """
    kept = [line for line in output.splitlines() if not _INFO_LINE.match(line)]
    text = "\n".join(kept) if kept else output
    return text[-limit:]


def _checked(result: JobResult, what: str, check: bool) -> JobResult:
    if check and result.returncode != 0:
        raise RuntimeError(
            f"{what}이 실패했습니다 (종료 코드 {result.returncode}). "
            f"로그의 끝 (torchrun의 INFO 줄 뺌):\n{log_tail(result.output)}"
        )
    return result


def run_torchrun(
    script: str | os.PathLike[str],
    nproc_per_node: int = 2,
    *,
    script_args: Sequence[str] = (),
    max_restarts: int = 0,
    timeout: float = 120.0,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> JobResult:
    """Run ``torchrun --standalone`` on ``script`` (a path from the project root) and wait.

    torchrun runs as ``sys.executable -m torch.distributed.run`` (the caller's interpreter),
    from the project root, in a new process group, with :data:`DEFAULT_JOB_ENV` plus ``env``.
    Its whole log is captured (``JobResult.output``), never printed. When it ends —
    normally, by failure or by the timeout — every process of its group is stopped.

    Raises:
        FileNotFoundError: ``script`` does not exist.
        ValueError: bad ``nproc_per_node``, ``max_restarts`` or ``timeout``.
        TimeoutError: the job ran longer than ``timeout`` seconds (it is stopped first).
        RuntimeError: ``check`` is true and the job failed (the message has the log's end).
    """
    _script_path(script)
    args = torchrun_args(script, nproc_per_node, script_args=script_args, max_restarts=max_restarts)
    command = [sys.executable, "-m", "torch.distributed.run", *args]
    return _checked(_run_job(command, timeout, env), "torchrun", check)


def run_script(
    script: str | os.PathLike[str],
    *,
    script_args: Sequence[str] = (),
    timeout: float = 120.0,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> JobResult:
    """Run ``python script`` the same way as :func:`run_torchrun` (for scripts that start
    their own worker processes, e.g. with ``torch.multiprocessing.spawn``).

    Raises:
        FileNotFoundError, ValueError, TimeoutError, RuntimeError: as :func:`run_torchrun`.
    """
    _script_path(script)
    command = [sys.executable, os.fspath(script), *map(str, script_args)]
    return _checked(_run_job(command, timeout, env), os.fspath(script), check)


@dataclass
class NodesResult:
    """What a multi-node job (one torchrun launcher per node) left: one JobResult per node."""

    nodes: list[JobResult]
    endpoint: str
    seconds: float

    @property
    def results(self) -> list[dict]:
        return [r for node in self.nodes for r in node.results]

    def by_rank(self, event: str | None = None) -> dict[int, dict]:
        """The last result of each global rank over all nodes (optionally only ``event``)."""
        chosen = [r for r in self.results if event is None or r.get("event") == event]
        return {int(r["rank"]): r for r in chosen if "rank" in r}


def run_torchrun_nodes(
    script: str | os.PathLike[str],
    nnodes: int = 2,
    nproc_per_node: int = 1,
    *,
    script_args: Sequence[str] = (),
    max_restarts: int = 0,
    timeout: float = 120.0,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> NodesResult:
    """Simulate ``nnodes`` machines on this one: start ``nnodes`` torchrun launchers at once,
    each ``--nnodes=N --node-rank=i --rdzv-backend=c10d --rdzv-endpoint=127.0.0.1:<free port>``
    (and ``--max-restarts`` when given: a failed worker restarts the workers of every node),
    and wait for all of them (each in its own process group, stopped when it ends).

    Raises:
        FileNotFoundError, ValueError, TimeoutError, RuntimeError: as :func:`run_torchrun`;
        ``nnodes`` < 2 is a ValueError.
    """
    if isinstance(nnodes, bool) or not isinstance(nnodes, int) or nnodes < 2:
        raise ValueError(f"nnodes는 2 이상의 정수여야 합니다 (got {nnodes!r})")
    if timeout <= 0:
        raise ValueError(f"timeout은 0보다 커야 합니다 (got {timeout})")
    _script_path(script)
    endpoint = f"127.0.0.1:{free_port()}"
    job_env = {**os.environ, **DEFAULT_JOB_ENV, **(env or {})}
    start = time.perf_counter()
    procs = []
    for node_rank in range(nnodes):
        args = torchrun_args(
            script,
            nproc_per_node,
            script_args=script_args,
            nnodes=nnodes,
            rdzv_endpoint=endpoint,
            rdzv_id="aiot-nodes",
            node_rank=node_rank,
            max_restarts=max_restarts,
        )
        procs.append(_start_job([sys.executable, "-m", "torch.distributed.run", *args], job_env))
    outputs: list[str] = []
    try:
        for proc in procs:
            remaining = max(0.1, timeout - (time.perf_counter() - start))
            try:
                output, _ = proc.communicate(timeout=remaining)
            except subprocess.TimeoutExpired:
                for other in procs:
                    stop_process_group(other.pid)
                output, _ = proc.communicate()
                raise TimeoutError(
                    f"노드 작업이 {timeout:.0f}초 안에 끝나지 않아 멈췄습니다. 로그의 끝:\n"
                    f"{log_tail(output, 2000)}"
                ) from None
            outputs.append(output)
    finally:
        for proc in procs:
            if process_group_alive(proc.pid):
                stop_process_group(proc.pid)
    seconds = time.perf_counter() - start
    nodes = [
        JobResult(
            returncode=proc.returncode,
            results=parse_results(out),
            restarts=len(_RESTART_LINE.findall(out)),
            seconds=seconds,
            pgid=proc.pid,
            output=out,
        )
        for proc, out in zip(procs, outputs, strict=True)
    ]
    for i, node in enumerate(nodes):
        _checked(node, f"노드 {i}의 torchrun", check)
    return NodesResult(nodes=nodes, endpoint=endpoint, seconds=seconds)


@contextmanager
def as_single_worker(threads: int = 1) -> Iterator[dict[str, str]]:
    """Make this process the one worker of a one-process job for the ``with`` block.

    Sets what ``torchrun --standalone --nproc-per-node=1`` gives its worker and
    ``init_process_group`` reads: ``RANK=0``, ``LOCAL_RANK=0``, ``WORLD_SIZE=1``,
    ``LOCAL_WORLD_SIZE=1``, ``MASTER_ADDR=127.0.0.1`` and a free ``MASTER_PORT``; and
    ``torch.set_num_threads(threads)`` (torchrun jobs here run with ``OMP_NUM_THREADS=1``).
    Yields those variables. Afterwards (also after an error) the variables and the thread
    count are as they were; the process group itself is the caller's to destroy.

    Raises:
        ValueError: ``threads`` is not an integer >= 1.
    """
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads는 1 이상의 정수여야 합니다 (got {threads!r})")
    import torch  # 런처 쪽 함수들은 torch 없이도 쓰도록 여기서만 import

    env = {
        "RANK": "0",
        "LOCAL_RANK": "0",
        "WORLD_SIZE": "1",
        "LOCAL_WORLD_SIZE": "1",
        "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(free_port()),
    }
    saved = {name: os.environ.get(name) for name in env}
    saved_threads = torch.get_num_threads()
    os.environ.update(env)
    torch.set_num_threads(threads)
    try:
        yield dict(env)
    finally:
        torch.set_num_threads(saved_threads)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
