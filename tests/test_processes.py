"""aiotkit.processes: finding child processes and checking that process groups are gone."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from aiotkit.processes import child_pids, pid_alive, process_group_alive, stop_process_group

# A parent that starts one sleeping child, prints the child's pid, then sleeps itself.
PARENT = (
    "import subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
    "print(child.pid, flush=True)\n"
    "time.sleep(60)\n"
)


def _start_family():
    proc = subprocess.Popen(
        [sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    child = int(proc.stdout.readline())
    return proc, child


def test_current_process_is_alive_and_has_no_such_child():
    assert pid_alive(os.getpid())
    assert os.getpid() not in child_pids(os.getpid())


def test_family_is_found_and_stopped():
    proc, child = _start_family()
    try:
        assert child_pids(proc.pid) == [child]
        assert pid_alive(child)
        assert process_group_alive(proc.pid)
        assert stop_process_group(proc.pid, timeout=10) is True  # SIGTERM was enough
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()
    deadline = time.monotonic() + 5
    while pid_alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pid_alive(child)
    assert not process_group_alive(proc.pid)


def test_exited_unreaped_process_counts_as_gone():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while pid_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pid_alive(proc.pid)  # a zombie until wait() collects it
    proc.wait()
    assert not pid_alive(proc.pid)


def test_stopping_an_empty_group_is_fine():
    proc = subprocess.Popen([sys.executable, "-c", "pass"], start_new_session=True)
    proc.wait()
    assert stop_process_group(proc.pid) is True
    assert not process_group_alive(proc.pid)


@pytest.mark.parametrize("bad", [0, -1, -42])
def test_non_positive_pids_are_refused(bad):
    for func in (pid_alive, child_pids, process_group_alive, stop_process_group):
        with pytest.raises(ValueError, match="1 이상"):
            func(bad)


@pytest.mark.parametrize("bad", ["123", 1.5, None, True])
def test_non_int_pids_are_refused(bad):
    for func in (pid_alive, child_pids, process_group_alive):
        with pytest.raises(TypeError, match="정수"):
            func(bad)


def test_negative_timeout_is_refused():
    with pytest.raises(ValueError, match="timeout"):
        stop_process_group(os.getpid(), timeout=-1)


def test_free_port_can_be_bound():
    import socket

    from aiotkit.processes import free_port

    port = free_port()
    assert 1024 <= port <= 65535
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))
