"""Processes that notebooks start (a TensorBoard server, torchrun jobs): check that they are gone.

A notebook that starts a server or a multi-process job must leave nothing running behind it.
These helpers answer "is it still running?" without psutil: on Linux they read ``/proc``; on
other systems (macOS) they fall back to ``os.kill(pid, 0)`` / ``os.killpg(pgid, 0)`` and
``pgrep -P``. A zombie (a process that has exited but whose parent has not collected its exit
status yet) counts as gone: it runs no code and holds no port.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

__all__ = ["child_pids", "free_port", "pid_alive", "process_group_alive", "stop_process_group"]

_PROC = Path("/proc")


def _check_pid(pid: int, what: str = "pid") -> None:
    if isinstance(pid, bool) or not isinstance(pid, int):
        raise TypeError(f"{what}는 정수여야 합니다 (got {type(pid).__name__})")
    if pid <= 0:
        raise ValueError(
            f"{what}는 1 이상이어야 합니다 (got {pid}); 0이나 음수는 '내 프로세스 그룹 전체' "
            "같은 특별한 뜻이라 여기서는 받지 않습니다. proc.pid를 넘기세요."
        )


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, ...]."""
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # the command name is in parentheses and may itself contain spaces or ')'
    return text.rsplit(")", 1)[1].split()


def _linux_processes() -> list[tuple[int, list[str]]]:
    found = []
    for entry in _PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None and fields[0] != "Z":
                found.append((int(entry.name), fields))
    return found


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that was free a moment ago (the OS picks it: bind to port 0).

    Another program could take it before you use it; use it at once.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def pid_alive(pid: int) -> bool:
    """True while process ``pid`` exists and is not a zombie.

    Raises:
        TypeError, ValueError: ``pid`` is not a positive int.
    """
    _check_pid(pid)
    if _PROC.is_dir():
        fields = _stat_fields(pid)
        return fields is not None and fields[0] != "Z"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, but belongs to another user
        return True
    return True


def child_pids(pid: int) -> list[int]:
    """Live (non-zombie) direct children of process ``pid``, sorted.

    Linux reads ``/proc``; elsewhere ``pgrep -P`` is used (an empty list if pgrep is missing).

    Raises:
        TypeError, ValueError: ``pid`` is not a positive int.
    """
    _check_pid(pid)
    if _PROC.is_dir():
        return sorted(p for p, fields in _linux_processes() if fields[1] == str(pid))
    if shutil.which("pgrep") is None:
        return []
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return sorted(int(p) for p in out.stdout.split() if pid_alive(int(p)))


def process_group_alive(pgid: int) -> bool:
    """True while any live (non-zombie) process belongs to process group ``pgid``.

    A process started with ``subprocess.Popen(..., start_new_session=True)`` leads its own
    group, whose id is ``proc.pid``; its children (workers, helper servers) inherit the group.

    Raises:
        TypeError, ValueError: ``pgid`` is not a positive int.
    """
    _check_pid(pgid, "pgid")
    if _PROC.is_dir():
        return any(fields[2] == str(pgid) for _, fields in _linux_processes())
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_process_group(pgid: int, timeout: float = 10.0) -> bool:
    """Send SIGTERM to process group ``pgid``, wait up to ``timeout`` s, then SIGKILL what is left.

    Returns:
        True if the group stopped after SIGTERM, False if SIGKILL was needed.

    Raises:
        TypeError, ValueError: ``pgid`` is not a positive int or ``timeout`` is negative.
        RuntimeError: something in the group survived SIGKILL as well.
    """
    _check_pid(pgid, "pgid")
    if timeout < 0:
        raise ValueError(f"timeout은 0 이상이어야 합니다 (got {timeout})")
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return sig == signal.SIGTERM
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not process_group_alive(pgid):
                return sig == signal.SIGTERM
            time.sleep(0.05)
    raise RuntimeError(
        f"프로세스 그룹 {pgid}가 SIGKILL 뒤에도 남아 있습니다; `ps -o pid,stat,cmd -g {pgid}`로 확인하세요."
    )
