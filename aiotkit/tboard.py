"""A real TensorBoard server for a notebook: start it, ask it questions over HTTP, stop it.

advanced/03 shows that TensorBoard is just a web server reading ``--logdir``. This module keeps
the plumbing out of the notebook: a free port, ``sys.executable -m tensorboard.main`` in its own
process group (so its data-server child can be stopped with it), a log file instead of a pipe
(a pipe nobody reads fills up and blocks the server), waiting until it answers, and stopping
the whole group afterwards, also when the block in between raises.

The HTTP routes used are TensorBoard's own (the ones its web page calls): ``/data/runs``,
``/data/plugins_listing`` and ``/data/plugin/scalars/scalars?run=RUN&tag=TAG``.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiotkit.processes import child_pids, free_port, process_group_alive, stop_process_group

__all__ = ["TensorBoardServer", "get_json", "poll_json", "tensorboard_server"]


def get_json(url: str, timeout: float = 5.0) -> Any:
    """GET ``url`` and decode its JSON body.

    Raises:
        OSError: the server could not be reached (urllib.error.URLError is an OSError).
    """
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


def poll_json(
    url: str, ready: Callable[[Any], bool], timeout: float = 30.0, interval: float = 0.2
) -> Any:
    """GET ``url`` until ``ready(answer)`` is true, and return that answer.

    TensorBoard reads the log folder in the background, so right after it starts answering a
    run or a plugin may still be missing.

    Raises:
        TimeoutError: ``ready`` was still false after ``timeout`` seconds (the last answer
            is in the message).
    """
    deadline = time.monotonic() + timeout
    while True:
        data = get_json(url)
        if ready(data):
            return data
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"{timeout:.0f}초 동안 기다린 답이 오지 않았습니다: {url} → {data!r:.300}"
            )
        time.sleep(interval)


@dataclass
class TensorBoardServer:
    """A running TensorBoard: its process, address and the children it started."""

    proc: subprocess.Popen
    base_url: str
    log_file: Path
    children: list[int] = field(default_factory=list)

    def get(self, route: str, **params: str) -> Any:
        """GET ``base_url + route`` with the query ``params`` URL-encoded (a tag such as
        ``accuracy/val`` has a ``/``)."""
        query = "?" + urllib.parse.urlencode(params) if params else ""
        return get_json(self.base_url + route + query)

    def runs(self) -> list[str]:
        """The run names TensorBoard found under ``--logdir``, sorted."""
        return sorted(self.get("/data/runs"))

    def scalars(self, run: str, tag: str, expected_points: int = 1) -> list[tuple[int, float]]:
        """``(step, value)`` of one scalar curve, waiting until it has ``expected_points``."""
        query = urllib.parse.urlencode({"run": run, "tag": tag})
        url = f"{self.base_url}/data/plugin/scalars/scalars?{query}"
        points = poll_json(url, lambda d: isinstance(d, list) and len(d) >= expected_points)
        return [(int(step), float(value)) for _, step, value in points]

    def enabled_plugins(self, expected: set[str] = frozenset()) -> set[str]:
        """Names of the dashboards that have data, waiting until ``expected`` are among them."""

        def enabled(listing: dict) -> set[str]:
            return {name for name, info in listing.items() if info.get("enabled")}

        listing = poll_json(
            self.base_url + "/data/plugins_listing", lambda d: expected <= enabled(d)
        )
        return enabled(listing)


def _wait_until_answering(server: TensorBoardServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            tail = server.log_file.read_text(errors="replace")[-1500:]
            raise RuntimeError(
                f"TensorBoard가 응답하기 전에 끝났습니다 (종료 코드 {server.proc.returncode}). 로그의 끝:\n{tail}"
            )
        try:
            get_json(server.base_url + "/data/runs", timeout=2.0)
            return
        except OSError:  # 아직 포트를 열지 않음 (connection refused)
            time.sleep(0.2)
    raise TimeoutError(
        f"{timeout:.0f}초 안에 TensorBoard가 응답하지 않았습니다; 로그: {server.log_file}"
    )


@contextlib.contextmanager
def tensorboard_server(
    logdir: str | os.PathLike[str],
    log_file: str | os.PathLike[str],
    *,
    host: str = "127.0.0.1",
    timeout: float = 60.0,
) -> Iterator[TensorBoardServer]:
    """Run ``tensorboard --logdir logdir`` on ``host`` and a free port for the ``with`` block.

    The server's output goes to ``log_file``. On leaving the block (normally or by an
    exception) the server's whole process group is stopped: SIGTERM, then SIGKILL if needed.

    Raises:
        FileNotFoundError: ``logdir`` does not exist.
        RuntimeError: the server exited before answering (the log's end is in the message).
        TimeoutError: it did not answer within ``timeout`` seconds.
    """
    logdir, log_file = Path(logdir), Path(log_file)
    if not logdir.is_dir():
        raise FileNotFoundError(f"logdir가 없습니다: {logdir}")
    port = free_port(host)
    command = [sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir)]
    command += ["--host", host, "--port", str(port)]
    with open(log_file, "w") as log:
        proc = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = TensorBoardServer(proc=proc, base_url=f"http://{host}:{port}", log_file=log_file)
    try:
        _wait_until_answering(server, timeout)
        server.children = child_pids(proc.pid)  # TensorBoard가 띄운 data server
        yield server
    finally:
        if process_group_alive(proc.pid):
            stop_process_group(proc.pid)
        proc.wait()  # 종료 코드를 거둡니다 (좀비를 남기지 않음)
