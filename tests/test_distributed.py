"""aiotkit.distributed (torchrun arguments, result lines, running jobs, this process as a
one-worker job) and the worker-side helpers of advanced/scripts/dist_common.py (backend choice,
RESULT lines)."""

from __future__ import annotations

import os
import sys

import pytest

from aiotkit.distributed import (
    DEFAULT_JOB_ENV,
    log_tail,
    parse_results,
    run_script,
    run_torchrun,
    torchrun_args,
)
from aiotkit.processes import pid_alive, process_group_alive
from conftest import ROOT

sys.path.insert(0, str(ROOT / "advanced" / "scripts"))
from dist_common import choose_backend, report_result  # noqa: E402 — the worker-side helpers


@pytest.mark.parametrize(
    ("world_size", "facts", "expected"),
    [
        (2, dict(cuda_available=False), "gloo"),
        (1, dict(cuda_available=True, gpu_count=1, nccl_available=True), "nccl"),
        (2, dict(cuda_available=True, gpu_count=1, nccl_available=True), "gloo"),
        (4, dict(cuda_available=True, gpu_count=4, nccl_available=True), "nccl"),
        (2, dict(cuda_available=True, gpu_count=8, nccl_available=False), "gloo"),
    ],
)
def test_choose_backend(world_size, facts, expected):
    assert choose_backend(world_size, **facts) == expected


def test_choose_backend_detects_this_machine():
    assert choose_backend(1) in {"gloo", "nccl"}


@pytest.mark.parametrize("bad", [0, -2, 1.5, True])
def test_choose_backend_refuses_bad_world_size(bad):
    with pytest.raises(ValueError, match="world_size"):
        choose_backend(bad)


def test_choose_backend_refuses_negative_gpu_count():
    with pytest.raises(ValueError, match="gpu_count"):
        choose_backend(2, cuda_available=True, gpu_count=-1)


def test_torchrun_args_standalone_and_elastic():
    assert torchrun_args("train.py", 2, script_args=["--epochs", 3]) == [
        "--standalone",
        "--nproc-per-node=2",
        "train.py",
        "--epochs",
        "3",
    ]
    assert torchrun_args(
        "train.py", 4, nnodes="2:4", rdzv_endpoint="10.0.0.1:29400", rdzv_id="j", max_restarts=3
    ) == [
        "--nnodes=2:4",
        "--rdzv-backend=c10d",
        "--rdzv-endpoint=10.0.0.1:29400",
        "--rdzv-id=j",
        "--nproc-per-node=4",
        "--max-restarts=3",
        "train.py",
    ]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(nproc_per_node=0), "nproc_per_node"),
        (dict(nproc_per_node=2, max_restarts=-1), "max_restarts"),
        (dict(nproc_per_node=2, nnodes=2), "rdzv_endpoint"),
    ],
)
def test_torchrun_args_refuses_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        torchrun_args("train.py", **kwargs)


def test_report_and_parse_results(capsys):
    report_result(rank=1, value=[1.0, 2.0])
    report_result(rank=0, event="finished")
    printed = capsys.readouterr().out
    noisy = "I1122 some log line\n" + printed + '[rank0]: RESULT {"rank": 0, "x": null}\n'
    assert parse_results(noisy) == [
        {"rank": 1, "value": [1.0, 2.0]},
        {"event": "finished", "rank": 0},
        {"rank": 0, "x": None},
    ]
    assert parse_results("no results here") == []
    # another process's text glued to the line, and a line cut short
    glued = 'RESULT {"rank": 0, "attempt": 0}rank 1: simulated failure\nRESULT {"rank": 1, "at\n'
    assert parse_results(glued) == [{"rank": 0, "attempt": 0}]


SCRIPT = """
import json, os, sys
print("RESULT " + json.dumps({"rank": 0, "omp": os.environ.get("OMP_NUM_THREADS"), "argv": sys.argv[1:]}))
print("some noise")
sys.exit(int(sys.argv[1]))
"""


def test_run_script_collects_results_and_cleans_up(tmp_path):
    script = tmp_path / "job.py"
    script.write_text(SCRIPT)
    job = run_script(script, script_args=["0"], timeout=60)
    assert job.returncode == 0
    assert job.results == [{"argv": ["0"], "omp": DEFAULT_JOB_ENV["OMP_NUM_THREADS"], "rank": 0}]
    assert job.by_rank() == {0: job.results[0]}
    assert "some noise" in job.output and job.restarts == 0
    assert not process_group_alive(job.pgid)


def test_run_script_failure_is_an_error_unless_unchecked(tmp_path):
    script = tmp_path / "job.py"
    script.write_text(SCRIPT)
    with pytest.raises(RuntimeError, match="종료 코드 3"):
        run_script(script, script_args=["3"], timeout=60)
    assert run_script(script, script_args=["3"], timeout=60, check=False).returncode == 3


def test_log_tail_drops_torchrun_info_lines_and_keeps_errors():
    info = "I1202 07:22:17.644000 31234 torch/distributed/launcher/api.py:224]   nproc : 2"
    log = "\n".join(
        [info] * 50
        + ["에폭 3: 평균 손실 0.2041", "Traceback (most recent call last):", "RuntimeError: boom"]
        + ["E1202 07:22:27.104000 31234 torch/distributed/elastic/api.py:869] failed (exitcode: 1)"]
        + [info] * 50
    )
    tail = log_tail(log)
    assert "nproc" not in tail and tail.startswith("에폭 3") and "RuntimeError: boom" in tail
    assert "exitcode: 1" in tail
    assert log_tail(log, 10) == tail[-10:]
    assert log_tail(info) == info  # nothing but INFO lines: shown as it is


def test_run_script_timeout_stops_the_whole_group(tmp_path):
    script = tmp_path / "sleepy.py"
    pid_file = tmp_path / "child.pid"
    script.write_text(
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(60)\n"
    )
    with pytest.raises(TimeoutError, match="5초"):
        run_script(script, timeout=5)
    assert not pid_alive(int(pid_file.read_text()))  # the grandchild was stopped too


def test_missing_script_and_bad_timeout(tmp_path):
    with pytest.raises(FileNotFoundError, match="스크립트가 없습니다"):
        run_torchrun(tmp_path / "nope.py", 2)
    with pytest.raises(FileNotFoundError, match="스크립트가 없습니다"):
        run_script("advanced/scripts/nope.py")
    script = tmp_path / "job.py"
    script.write_text(SCRIPT)
    with pytest.raises(ValueError, match="timeout"):
        run_script(script, timeout=0)


def test_the_interpreter_is_the_callers(tmp_path):
    script = tmp_path / "which.py"
    script.write_text(
        "import json, sys\nprint('RESULT ' + json.dumps({'rank': 0, 'exe': sys.executable}))\n"
    )
    assert run_script(script, timeout=60).results[0]["exe"] == sys.executable


def test_report_result_lines_from_a_real_pipe_are_parsed(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / 'advanced' / 'scripts')!r})\n"
        "from dist_common import report_result\n"
        "print('noise before', end='')\n"  # no newline: the RESULT line must still parse
        "report_result(rank=3, values=[1, 2])\n"
    )
    assert run_script(script, timeout=60).results == [{"rank": 3, "values": [1, 2]}]


def test_report_result_refuses_lines_that_could_interleave():
    with pytest.raises(ValueError, match="너무 깁니다"):
        report_result(rank=0, indices=list(range(2000)))


def test_torchrun_args_multi_node_with_node_rank():
    args = torchrun_args(
        "train.py", 1, nnodes=2, rdzv_endpoint="127.0.0.1:29400", rdzv_id="job", node_rank=1
    )
    assert args == [
        "--nnodes=2",
        "--rdzv-backend=c10d",
        "--rdzv-endpoint=127.0.0.1:29400",
        "--rdzv-id=job",
        "--node-rank=1",
        "--nproc-per-node=1",
        "train.py",
    ]
    with pytest.raises(ValueError, match="node_rank"):
        torchrun_args("train.py", 1, nnodes=2, rdzv_endpoint="h:1", node_rank=-1)


def test_run_torchrun_nodes_two_launchers_meet(tmp_path):
    from aiotkit.distributed import run_torchrun_nodes

    script = tmp_path / "worker.py"
    script.write_text(
        "import json, os\n"
        "import torch.distributed as dist\n"
        "dist.init_process_group('gloo')\n"
        "line = 'RESULT ' + json.dumps({'rank': dist.get_rank(), 'world': dist.get_world_size()})\n"
        "os.write(1, (line + '\\n').encode())\n"
        "dist.destroy_process_group()\n"
    )
    job = run_torchrun_nodes(script, nnodes=2, nproc_per_node=1, timeout=240)
    assert {r: v["world"] for r, v in job.by_rank().items()} == {0: 2, 1: 2}
    assert not any(process_group_alive(node.pgid) for node in job.nodes)
    with pytest.raises(ValueError, match="nnodes"):
        run_torchrun_nodes(script, nnodes=1)


FAILS_ONCE = """
import json, os, sys
rank, attempt = int(os.environ["RANK"]), int(os.environ["TORCHELASTIC_RESTART_COUNT"])
if rank == 1 and attempt == 0:
    sys.exit("rank 1: simulated failure")
line = "RESULT " + json.dumps({"rank": rank, "attempt": attempt}) + "\\n"
os.write(1, line.encode())  # one write: another rank's output cannot land inside the line
"""


def test_run_torchrun_restarts_a_failed_worker_group_and_reports_why_it_failed(tmp_path):
    script = tmp_path / "fails_once.py"
    script.write_text(FAILS_ONCE)
    job = run_torchrun(script, 2, max_restarts=1, timeout=120)
    assert job.returncode == 0 and job.restarts == 1
    assert {r: v["attempt"] for r, v in job.by_rank().items()} == {0: 1, 1: 1}
    with pytest.raises(RuntimeError, match="simulated failure") as failed:
        run_torchrun(script, 2, timeout=120)  # no restart: the job fails
    assert "exitcode: 1" in str(failed.value)  # the launcher's error line is kept
    assert "Starting elastic_operator" not in str(failed.value)  # its INFO lines are not


WORKER_VARS = ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")


def test_as_single_worker_runs_a_world_of_one_and_restores(monkeypatch):
    import torch
    import torch.distributed as dist

    from aiotkit.distributed import as_single_worker

    monkeypatch.setenv("RANK", "7")  # a value that was there before must come back
    monkeypatch.delenv("MASTER_PORT", raising=False)  # and one that was not must go again
    before = {name: os.environ.get(name) for name in WORKER_VARS}
    threads = torch.get_num_threads()
    with as_single_worker() as env:
        assert sorted(env) == sorted(WORKER_VARS)
        assert {k: os.environ[k] for k in WORKER_VARS} == env
        assert env["RANK"] == "0" and env["WORLD_SIZE"] == "1" and int(env["MASTER_PORT"]) > 0
        assert torch.get_num_threads() == 1
        dist.init_process_group("gloo")  # env:// reads what the block set
        try:
            total = torch.ones(2)
            dist.all_reduce(total)
            assert (dist.get_rank(), dist.get_world_size()) == (0, 1)
            assert total.tolist() == [1.0, 1.0]
        finally:
            dist.destroy_process_group()
    assert {name: os.environ.get(name) for name in WORKER_VARS} == before
    assert torch.get_num_threads() == threads


def test_as_single_worker_restores_after_an_error_and_refuses_bad_threads():
    import torch

    from aiotkit.distributed import as_single_worker

    before = {name: os.environ.get(name) for name in WORKER_VARS}
    threads = torch.get_num_threads()
    with pytest.raises(KeyError), as_single_worker(threads=2):
        raise KeyError("boom")
    assert {name: os.environ.get(name) for name in WORKER_VARS} == before
    assert torch.get_num_threads() == threads
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="threads"), as_single_worker(threads=bad):
            pass
