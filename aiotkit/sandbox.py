"""Run one submission in a bubblewrap (``bwrap``) sandbox with resource limits.

Inside the sandbox a submission sees: the interpreter and its environment (read-only), the
student release of this project at the project's own path (read-only, no reference answers),
its own scratch folder (read-write, a private copy of that one submission), an empty ``$HOME``,
its own network namespace (no interface but its own loopback: nothing outside is reachable) and
its own process namespace. The rest of the file system — the instructor's ``$HOME``, other
students' folders, tests/solutions — is not there.

Limits (see :class:`Limits`): address space, open-file size and CPU time per process
(``setrlimit``), the number of processes (``RLIMIT_NPROC``; as root the sandbox drops to the
``nobody`` user for this, since the kernel does not count root's processes), and a watchdog in
the grader that kills the whole process tree when its total resident memory, the size of its
output folder, or the wall-clock deadline is exceeded. ``--die-with-parent`` and a new session
make sure that nothing outlives the grader.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Limits", "SandboxError", "SandboxResult", "bwrap_command", "check_sandbox", "run"]

NOBODY = 65534
GIB = 1024**3


class SandboxError(RuntimeError):
    """The sandbox cannot run on this machine (message says why and what to do)."""


@dataclass(frozen=True)
class Limits:
    address_space: int = 8 * GIB  # per process; importing torch maps ~3 GiB of virtual memory
    rss_total: int = 3 * GIB  # memory (PSS) of the whole process tree (watchdog)
    nproc: int = 64  # processes and threads of the sandbox user
    file_size: int = 64 * 1024**2  # largest file a process may write
    output_total: int = 256 * 1024**2  # the scratch folder (watchdog)
    tmpfs: int = 256 * 1024**2  # /tmp inside the sandbox


@dataclass
class SandboxResult:
    returncode: int
    timed_out: bool
    killed_for: str  # "" or why the watchdog killed the tree
    seconds: float
    stderr_tail: str


def _python_roots() -> list[str]:
    """Folders the interpreter and its environment live in (bound read-only)."""
    roots = {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        os.path.dirname(os.path.realpath(sys.executable)),
    }
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        roots.add(sysconfig.get_paths()[key])
    roots = {os.path.realpath(r) for r in roots} | {r for r in roots}
    system = ("/usr", "/bin", "/lib", "/lib64", "/sbin")
    keep = sorted(r for r in roots if r and not r.startswith(system) and os.path.isdir(r))
    return [r for r in keep if not any(r != o and r.startswith(o + "/") for o in keep)]


def bwrap_command(
    command: list[str],
    *,
    release: Path,
    project_root: Path,
    scratch: Path,
    readonly: dict[str, Path] | None = None,
    limits: Limits = Limits(),
    env: dict[str, str] | None = None,
) -> list[str]:
    """The ``bwrap`` command line that runs ``command`` in a sandbox; ``scratch`` is mounted
    read-write at ``/sandbox``, ``release`` read-only at ``project_root``."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxError("bwrap가 없습니다")
    cmd = [
        bwrap,
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "sandbox",
    ]
    for system in ("/usr", "/bin", "/lib", "/lib64", "/sbin"):
        if os.path.islink(system):
            cmd += ["--symlink", os.readlink(system), system]
        elif os.path.isdir(system):
            cmd += ["--ro-bind", system, system]
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "fonts", "localtime", "alternatives"):
        if os.path.exists(f"/etc/{name}"):
            cmd += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    cmd += ["--proc", "/proc", "--dev", "/dev"]
    cmd += ["--size", str(limits.tmpfs), "--perms", "1777", "--tmpfs", "/tmp"]
    made: set[str] = {"/tmp", "/usr", "/proc", "/dev"}  # mounted: folders inside exist
    dirs: set[str] = set()

    def mount(option: str, source: str, target: str) -> None:
        # bwrap creates missing parent folders as 0700: unreadable once we are `nobody`
        parents = list(Path(target).parents)[::-1][1:]
        for parent in map(str, parents):
            inside = any(parent == m or parent.startswith(m + "/") for m in made)
            if not inside and parent not in dirs:
                cmd.extend(["--perms", "0755", "--dir", parent])
                dirs.add(parent)
        cmd.extend([option, source, target] if source else [option, target])
        made.add(target)

    mount("--ro-bind", str(release), str(project_root))
    for root in _python_roots():  # after the release: the venv may live inside the project
        mount("--ro-bind", root, root)
    cmd += ["--size", str(limits.tmpfs), "--perms", "0777"]
    mount("--tmpfs", "", str(project_root / "artifacts"))
    for target, source in (readonly or {}).items():
        mount("--ro-bind", str(source), target)
    mount("--bind", str(scratch), "/sandbox")
    # a user database with the sandbox's own user only (pwd.getpwuid must not fail, and the
    # host's accounts stay hidden)
    uid = NOBODY if os.geteuid() == 0 else os.geteuid()
    gid = NOBODY if os.geteuid() == 0 else os.getegid()
    accounts = scratch.parent / "sandbox_etc"
    accounts.mkdir(exist_ok=True)
    (accounts / "passwd").write_text(
        f"nobody:x:{uid}:{gid}:nobody:/sandbox/home:/usr/sbin/nologin\n", encoding="utf-8"
    )
    (accounts / "group").write_text(f"nogroup:x:{gid}:\n", encoding="utf-8")
    for name in ("passwd", "group"):
        os.chmod(accounts / name, 0o644)
        cmd += ["--ro-bind", str(accounts / name), f"/etc/{name}"]
    cmd += ["--chdir", "/sandbox"]
    cmd += ["--clearenv"]
    base_env = {
        "HOME": "/sandbox/home",
        "USER": "nobody",
        "LOGNAME": "nobody",
        "PATH": f"{os.path.dirname(sys.executable)}:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/mpl",
        "IPYTHONDIR": "/tmp/ipython",
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OMP_NUM_THREADS": "1",
        "AIOT_DEVICE": "cpu",
        "CUDA_VISIBLE_DEVICES": "",
        **(env or {}),
    }
    for key, value in base_env.items():
        cmd += ["--setenv", key, value]
    if os.geteuid() == 0:  # the kernel does not apply RLIMIT_NPROC to root: become nobody
        cmd += ["--cap-add", "CAP_SETUID,CAP_SETGID", "--"]
        cmd += [shutil.which("setpriv") or "/usr/bin/setpriv"]
        cmd += [f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        cmd += ["--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
    else:
        cmd += ["--unshare-user", "--"]
    return cmd + command


def _set_limits(limits: Limits, cpu_seconds: int, nproc: bool) -> None:
    os.setsid()
    resource.setrlimit(resource.RLIMIT_AS, (limits.address_space, limits.address_space))
    if nproc:  # counts every process of the (sandbox) user: only for the sandbox's own user
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.nproc, limits.nproc))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size, limits.file_size))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _tree(root: int) -> list[int]:
    """``root`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending += children.get(pid, [])
    return found


def _memory(pids: list[int]) -> int:
    """Proportional set size (PSS) of ``pids`` in bytes: memory shared between forked copies
    counts once, not once per process as RSS would."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (OSError, IndexError, ValueError):
            continue
    return total


def _du(path: Path) -> int:
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                continue
    return total


def _kill(proc: subprocess.Popen) -> None:
    for pid in reversed(_tree(proc.pid)):
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run(
    cmd: list[str],
    *,
    timeout: float,
    scratch: Path,
    limits: Limits = Limits(),
    nproc: bool | None = None,
    rlimits: bool = True,
) -> SandboxResult:
    """Run a command (a sandbox command line, or unconfined with ``nproc=False``); kill the whole
    process tree at the deadline or when the watchdog's memory or disk limit is exceeded."""
    if nproc is None:
        nproc = bool(cmd) and os.path.basename(cmd[0]) == "bwrap"
    started = time.monotonic()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            preexec_fn=(lambda: _set_limits(limits, int(timeout) + 5, nproc))
            if rlimits
            else os.setsid,  # noqa: PLW1509
        )
        killed_for, timed_out = "", False
        next_du = 0.0
        while proc.poll() is None:
            now = time.monotonic()
            if now - started > timeout:
                timed_out = True
                _kill(proc)
                break
            rss = _memory(_tree(proc.pid))
            if rss > limits.rss_total:
                killed_for = f"메모리 한도 초과 (memory limit {limits.rss_total // 1024**2} MiB)"
                _kill(proc)
                break
            if now >= next_du:
                next_du = now + 1.0
                if _du(scratch) > limits.output_total:
                    killed_for = (
                        f"디스크 한도 초과 (disk limit {limits.output_total // 1024**2} MiB)"
                    )
                    _kill(proc)
                    break
            time.sleep(0.1)
        proc.wait()
        err.seek(0, os.SEEK_END)
        err.seek(max(0, err.tell() - 4000))
        tail = err.read().decode("utf-8", "replace")
    return SandboxResult(proc.returncode, timed_out, killed_for, time.monotonic() - started, tail)


def check_sandbox(release: Path, project_root: Path, limits: Limits = Limits()) -> None:
    """Raise :class:`SandboxError` (why, what to do) unless a sandboxed Python starts, has no
    network and cannot see the instructor's home folder."""
    if not sys.platform.startswith("linux"):
        raise SandboxError(
            f"샌드박스는 Linux에서만 동작합니다 (this is {sys.platform}). Linux VM이나 컨테이너에서 "
            "채점하거나, 위험을 감수한다면 --no-sandbox를 명시하세요."
        )
    if shutil.which("bwrap") is None:
        raise SandboxError(
            "bubblewrap(bwrap)이 설치되어 있지 않습니다. `sudo apt-get install -y bubblewrap` "
            "(Debian/Ubuntu) 또는 `dnf install bubblewrap`로 설치하거나, 위험을 감수한다면 "
            "--no-sandbox를 명시하세요."
        )
    home = os.path.expanduser("~")
    allowed = {
        Path(r).relative_to(home).parts[0] for r in _python_roots() if r.startswith(home + "/")
    }
    marker_dir = tempfile.mkdtemp()
    marker = os.path.join(marker_dir, "planted")
    Path(marker).write_text("x")
    probe = (
        "import json, os, socket\n"
        "s = socket.socket(); s.settimeout(2)\n"
        "try:\n    s.connect(('1.1.1.1', 53)); net = True\n"
        "except OSError:\n    net = False\n"
        f"home = sorted(os.listdir({home!r})) if os.path.isdir({home!r}) else []\n"
        f"seen = os.path.exists({str(project_root / 'tests')!r}) or os.path.exists({marker!r})\n"
        "json.dump({'net': net, 'home': home, 'tests': seen, 'uid': os.getuid()},"
        " open('/sandbox/out.json', 'w'))\n"
    )
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        scratch = Path(tmp) / "s"
        scratch.mkdir()
        os.chmod(scratch, 0o777)
        cmd = bwrap_command(
            [sys.executable, "-c", probe],
            release=release,
            project_root=project_root,
            scratch=scratch,
            limits=limits,
        )
        result = run(cmd, timeout=60, scratch=scratch, limits=limits)
        try:
            seen = json.loads((scratch / "out.json").read_text())
            written = True
        except (OSError, ValueError):
            seen, written = {}, False
    if result.returncode != 0 or not written:
        raise SandboxError(
            "bubblewrap 샌드박스를 시작할 수 없습니다 (user namespace가 막힌 컨테이너일 수 "
            f"있습니다): {result.stderr_tail.strip()[-300:]}. 호스트에서 실행하거나 "
            "`sysctl kernel.unprivileged_userns_clone=1`을 켜고, 위험을 감수한다면 "
            "--no-sandbox를 명시하세요."
        )
    shutil.rmtree(marker_dir, ignore_errors=True)
    leaked = set(seen.get("home", [])) - allowed if home != "/" else set()
    if seen.get("net") or leaked or seen.get("tests") or seen.get("uid") == 0:
        raise SandboxError(f"샌드박스가 격리되지 않았습니다: {seen}")
