"""aiotkit.tboard: a real TensorBoard server started, queried and stopped."""

from __future__ import annotations

import pytest
from torch.utils.tensorboard import SummaryWriter

from aiotkit.processes import pid_alive, process_group_alive
from aiotkit.tboard import poll_json, tensorboard_server


def _write_run(root, name="run_a", points=5):
    writer = SummaryWriter(log_dir=root / name)
    for step in range(points):
        writer.add_scalar("loss/train", 1.0 / (step + 1), step)
    writer.close()


def test_server_serves_scalars_and_is_gone_afterwards(tmp_path):
    logdir = tmp_path / "runs"
    _write_run(logdir)
    with tensorboard_server(logdir, tmp_path / "tb.log") as server:
        assert server.runs() == ["run_a"]
        assert "scalars" in server.enabled_plugins({"scalars"})
        points = server.scalars("run_a", "loss/train", expected_points=5)
        children = list(server.children)
    assert [step for step, _ in points] == [0, 1, 2, 3, 4]
    assert points[1][1] == pytest.approx(0.5)
    assert server.proc.returncode is not None
    assert not process_group_alive(server.proc.pid)
    assert not any(pid_alive(pid) for pid in children)


def test_server_is_stopped_when_the_block_raises(tmp_path):
    logdir = tmp_path / "runs"
    _write_run(logdir)
    with pytest.raises(ZeroDivisionError):
        with tensorboard_server(logdir, tmp_path / "tb.log") as server:
            1 / 0  # noqa: B018
    assert not process_group_alive(server.proc.pid)


def test_missing_logdir_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="logdir"):
        with tensorboard_server(tmp_path / "nope", tmp_path / "tb.log"):
            pass


def test_poll_json_times_out_with_the_last_answer(monkeypatch):
    monkeypatch.setattr("aiotkit.tboard.get_json", lambda url, timeout=5.0: {"a": 1})
    with pytest.raises(TimeoutError, match="a"):
        poll_json("http://x", lambda d: False, timeout=0.1, interval=0.01)
