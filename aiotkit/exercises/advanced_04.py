"""Exercise checkers for advanced/04 (distributed training)."""

from __future__ import annotations

import io
import math
import os
import signal
import sys
import tempfile
import time
import traceback
from datetime import timedelta
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn
from torch.utils.data import Dataset, DistributedSampler

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_equal,
    expect_type,
    expect_unchanged,
    is_integer,
    register,
)


@register("advanced/04", 1, "DistributedSampler의 몫 계산 (sampler_indices)")
def _check_sampler_indices(sampler_indices) -> None:
    cases = [
        dict(n=10, world_size=3),  # 나누어떨어지지 않음: 앞의 2개를 반복
        dict(n=10, world_size=3, drop_last=True),
        dict(n=7, world_size=4),
        dict(n=2, world_size=5),  # padding longer than the data: repeated several times
        dict(n=8, world_size=2),  # 나누어떨어짐: 채우지도 버리지도 않음
        dict(n=9, world_size=1),
        dict(n=1, world_size=3),
        dict(n=17, world_size=6, drop_last=True),
        dict(n=12, world_size=2, shuffle=True, seed=3, epoch=1),
        dict(n=13, world_size=4, shuffle=True, seed=0, epoch=2),
        dict(n=3, world_size=8, shuffle=True, seed=5, epoch=4),
        dict(n=13, world_size=4, shuffle=True, seed=7, epoch=0, drop_last=True),
        dict(n=20, world_size=7, shuffle=True, seed=1, epoch=3, drop_last=True),
    ]
    for case in cases:
        case = {"shuffle": False, "seed": 0, "epoch": 0, "drop_last": False, **case}
        n, world_size = case["n"], case["world_size"]
        for rank in range(world_size):
            sampler = DistributedSampler(
                range(n),
                num_replicas=world_size,
                rank=rank,
                shuffle=case["shuffle"],
                seed=case["seed"],
                drop_last=case["drop_last"],
            )
            sampler.set_epoch(case["epoch"])
            expected = list(sampler)
            got = sampler_indices(
                n,
                world_size,
                rank,
                shuffle=case["shuffle"],
                seed=case["seed"],
                epoch=case["epoch"],
                drop_last=case["drop_last"],
            )
            what = ", ".join(f"{k}={v}" for k, v in case.items()) + f", rank={rank}"
            expect_type(got, "list", f"{what}: 반환값")
            bad = next((i for i in got if not is_integer(i)), None)
            expect(
                bad is None,
                f"{what}: 원소는 정수(int)여야 합니다 (받은 원소 {type(bad).__name__})",
            )
            expect_equal(len(got), len(expected), f"{what}: 인덱스 개수")
            expect_equal([int(i) for i in got], expected, f"{what}의 인덱스")


class _RecordingDataset(Dataset):
    """(x, y) pairs of a small regression problem that remember which indices were read."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor) -> None:
        self.x, self.y, self.read = x, y, []

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        self.read.append(int(index))
        return self.x[index], self.y[index]


def _ddp_problem(seed: int, n: int) -> tuple[nn.Module, _RecordingDataset]:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 4, generator=g)
    y = torch.randn(n, 2, generator=g)
    with torch.random.fork_rng(devices=[]):  # 노트북의 난수 상태를 건드리지 않습니다
        torch.manual_seed(seed)
        model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))
    return model, _RecordingDataset(x, y)


def _sampler_orders(n: int, world_size: int, seed: int, epochs: int) -> list[list[list[int]]]:
    """orders[rank][epoch]: what DistributedSampler(shuffle=True, seed) with set_epoch gives."""
    orders = []
    for rank in range(world_size):
        sampler = DistributedSampler(range(n), world_size, rank, shuffle=True, seed=seed)
        per_epoch = []
        for epoch in range(epochs):
            sampler.set_epoch(epoch)
            per_epoch.append(list(sampler))
        orders.append(per_epoch)
    return orders


def _reference_ddp(seed, n, world_size, epochs, batch_size, lr) -> dict[str, torch.Tensor]:
    """One process taking the steps that DDP takes: the mean of the ranks' batch-mean losses."""
    model, data = _ddp_problem(seed, n)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    orders = _sampler_orders(n, world_size, seed, epochs)
    for epoch in range(epochs):
        for start in range(0, len(orders[0][epoch]), batch_size):
            optimizer.zero_grad()
            losses = []
            for rank in range(world_size):
                idx = orders[rank][epoch][start : start + batch_size]
                losses.append(nn.functional.mse_loss(model(data.x[idx]), data.y[idx]))
            (sum(losses) / world_size).backward()
            optimizer.step()
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _train_case(train_ddp, model, data, case, checkpoint_path: Path) -> None:
    """Call the student's function on ``case`` = (seed, n, epochs, batch_size, lr) with the
    exercise's signature: the same call in the kernel (one rank) and on every forked rank."""
    seed, n, epochs, batch_size, lr = case
    train_ddp(
        model,
        data,
        nn.MSELoss(),
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        seed=seed,
        checkpoint_path=str(checkpoint_path),
    )


def _run_rank(train_ddp, rank, world_size, store, case, folder) -> dict:
    """Join the group, run the student's function, report what happened (on every rank)."""
    seed, n = case[:2]
    dist.init_process_group(
        "gloo", store=store, rank=rank, world_size=world_size, timeout=timedelta(seconds=30)
    )
    model, data = _ddp_problem(seed, n)
    saves = []
    real_save = torch.save

    def recording_save(obj, f, *args, **kwargs):
        saves.append(rank)
        return real_save(obj, f, *args, **kwargs)

    torch.save = torch.serialization.save = recording_save
    try:
        _train_case(train_ddp, model, data, case, Path(folder) / "model.pt")
    finally:
        torch.save = torch.serialization.save = real_save
        dist.destroy_process_group()
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    return {"state": state, "read": data.read, "saves": len(saves)}


def _fork_ranks(train_ddp, case, folder: Path, world_size: int = 2, timeout: float = 90.0):
    """Run ``train_ddp`` in ``world_size`` forked processes (gloo over a FileStore).

    A forked child shares the notebook's functions without pickling them and starts in a
    fraction of a second; it writes its report to a file and leaves with ``os._exit``.
    """
    store_file = folder / "store"
    pids = []
    for rank in range(world_size):
        pid = os.fork()
        if pid == 0:  # child
            code = 1
            try:
                sys.stdout = sys.stderr = io.StringIO()  # 커널의 출력 채널을 건드리지 않음
                torch.set_num_threads(1)
                store = dist.FileStore(str(store_file), world_size)
                try:
                    report = _run_rank(train_ddp, rank, world_size, store, case, folder)
                except BaseException as exc:  # noqa: BLE001 — reported to the parent
                    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
                    report = {"error": last[:500]}
                torch.save(report, folder / f"rank{rank}.report")
                code = 0
            finally:
                os._exit(code)
        pids.append(pid)
    deadline = time.monotonic() + timeout
    pending = set(pids)
    while pending and time.monotonic() < deadline:
        for pid in list(pending):
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                pending.discard(pid)
        time.sleep(0.02)
    for pid in pending:  # 멈춘(deadlock) 랭크는 정리합니다
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    expect(
        not pending,
        f"랭크 {world_size}개가 {timeout:.0f}초 안에 끝나지 않았습니다 (멈춤, deadlock): 모든 랭크가 "
        "같은 집합 통신(DDP의 역전파, barrier)을 같은 횟수만큼 불러야 합니다. 랭크 0만 부르는 "
        "barrier나 랭크마다 다른 스텝 수가 흔한 원인입니다.",
    )
    reports = []
    for rank in range(world_size):
        path = folder / f"rank{rank}.report"
        expect(path.exists(), f"랭크 {rank}의 프로세스가 결과를 남기지 못하고 끝났습니다")
        reports.append(torch.load(path, weights_only=True))
    return reports


def _check_reads(read, seed, n, world_size, rank, epochs, what) -> None:
    """The samples one rank read, epoch by epoch, against DistributedSampler with set_epoch."""
    orders = _sampler_orders(n, world_size, seed, epochs)[rank]
    per_rank = len(orders[0])
    expect(
        len(read) == epochs * per_rank,
        f"{what}: 랭크 {rank}가 {len(read)}개 샘플을 읽었습니다; 에폭마다 자기 몫 "
        f"{per_rank}개(= n / 월드 크기)씩 {epochs * per_rank}개여야 합니다 "
        "(DistributedSampler를 DataLoader의 sampler로 주었나요?)",
    )
    got = [read[e * per_rank : (e + 1) * per_rank] for e in range(epochs)]
    expect(
        not (epochs > 1 and all(order == got[0] for order in got[1:])),
        f"{what}: 랭크 {rank}가 모든 에폭에서 같은 순서로 읽었습니다; 에폭마다 "
        "sampler.set_epoch(epoch)를 불러야 섞는 순서가 바뀝니다",
    )
    expect_equal(
        got,
        orders,
        f"{what}: 랭크 {rank}가 에폭별로 읽은 샘플 번호 "
        "(DistributedSampler(dataset, shuffle=True, seed=seed)와 set_epoch(epoch))",
    )


@register(
    "advanced/04",
    2,
    "DDP 학습 함수 (train_ddp)",
    not_replayable="실제 프로세스 여러 개가 process group으로 통신해야 확인됩니다 "
    "(샌드박스에는 loopback도 없음)",
)
def _check_train_ddp(train_ddp) -> None:
    expect(hasattr(os, "fork"), "이 채점기는 os.fork가 있는 Linux/macOS에서만 돕니다")
    # 1) 한 프로세스(월드 크기 1)에서 먼저: 빠르고, 오류가 노트북에 그대로 보입니다
    seed, n, epochs, batch_size, lr = case = (3, 12, 2, 5, 0.2)
    expect(not dist.is_initialized(), "이미 프로세스 그룹이 있습니다; 커널을 다시 시작하세요")
    with tempfile.TemporaryDirectory() as tmp:
        dist.init_process_group("gloo", store=dist.HashStore(), rank=0, world_size=1)
        model, data = _ddp_problem(seed, n)
        path = Path(tmp) / "model.pt"
        try:
            _train_case(train_ddp, model, data, case, path)
        finally:
            dist.destroy_process_group()
        _check_reads(data.read, seed, n, 1, 0, epochs, "랭크 1개")
        expected = _reference_ddp(seed, n, 1, epochs, batch_size, lr)
        for name, value in expected.items():
            expect_close(model.state_dict()[name], value, f"랭크 1개: 학습 뒤 '{name}'", atol=1e-5)
        expect(path.exists(), "랭크 1개: checkpoint_path에 저장된 파일이 없습니다")
    # 2) 진짜 두 프로세스(gloo): 데이터 나눔, set_epoch, 기울기 평균, 랭크 0만 저장
    for case in [(0, 40, 3, 6, 0.1), (7, 24, 2, 4, 0.3)]:
        seed, n, epochs, batch_size, lr = case
        what = f"랭크 2개, n={n}, epochs={epochs}, batch_size={batch_size}"
        with tempfile.TemporaryDirectory() as tmp:
            reports = _fork_ranks(train_ddp, case, Path(tmp))
            saved_path = Path(tmp) / "model.pt"
            saved = torch.load(saved_path, weights_only=True) if saved_path.exists() else None
        for rank, report in enumerate(reports):
            expect("error" not in report, f"{what}: 랭크 {rank}에서 오류: {report.get('error')}")
        for rank, report in enumerate(reports):
            _check_reads(report["read"], seed, n, 2, rank, epochs, what)
        expected = _reference_ddp(seed, n, 2, epochs, batch_size, lr)
        ranks_agree = all(
            torch.allclose(reports[0]["state"][k], reports[1]["state"][k], atol=1e-6)
            for k in expected
        )
        expect(
            ranks_agree,
            f"{what}: 학습 뒤 두 랭크의 가중치가 다릅니다; DistributedDataParallel로 감싸야 "
            "역전파 때 기울기가 평균되어 모두 같은 스텝을 밟습니다",
        )
        for name, value in expected.items():
            expect_close(
                reports[0]["state"][name],
                value,
                f"{what}: 학습 뒤 '{name}' (한 프로세스가 전역 배치로 학습한 값과 비교)",
                atol=1e-5,
            )
        expect(
            reports[1]["saves"] == 0,
            f"{what}: 랭크 1도 torch.save를 {reports[1]['saves']}번 불렀습니다; 가중치는 모든 "
            "랭크가 같으므로 랭크 0만 저장합니다 (dist.get_rank() == 0)",
        )
        expect(
            reports[0]["saves"] >= 1 and saved is not None,
            f"{what}: 랭크 0이 checkpoint_path에 저장하지 않았습니다",
        )
        expect_type(saved, "dict", f"{what}: 저장한 파일의 내용 (state_dict)")
        expect_equal(
            sorted(saved),
            sorted(expected),
            f"{what}: 저장한 state_dict의 키 ('module.'이 붙지 않은 감싸기 전 모델의 키)",
        )
        for name, value in reports[0]["state"].items():
            expect_close(saved[name], value, f"{what}: 저장한 '{name}' (학습이 끝난 값)", atol=0)


class _BatchSizeSpy(nn.Module):
    """A small model that remembers the largest batch it was called with."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        with torch.random.fork_rng(devices=[]):  # 노트북의 난수 상태를 건드리지 않습니다
            torch.manual_seed(seed)
            self.net = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3))
        self.largest_batch = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.largest_batch = max(self.largest_batch, len(x))
        return self.net(x)


@register("advanced/04", 3, "기울기 누적 (accumulated_grads)")
def _check_accumulated_grads(accumulated_grads) -> None:
    loss_fn = nn.CrossEntropyLoss()
    cases = [(0, 12, 3), (1, 16, 4), (2, 8, 1), (3, 10, 4), (4, 7, 3), (5, 9, 9), (6, 11, 2)]
    for seed, n, micro_batches in cases:
        g = torch.Generator().manual_seed(seed)
        x = torch.randn(n, 5, generator=g)
        y = torch.randint(0, 3, (n,), generator=g)
        x_copy, y_copy = x.clone(), y.clone()
        reference = _BatchSizeSpy(seed)
        loss_fn(reference(x), y).backward()
        expected = {name: p.grad.clone() for name, p in reference.named_parameters()}
        model = _BatchSizeSpy(seed)
        stale = torch.Generator().manual_seed(100 + seed)
        for p in model.parameters():  # 이전 스텝의 기울기가 남아 있는 모델
            p.grad = torch.randn(p.shape, generator=stale)
        limit = math.ceil(n / micro_batches)
        what = f"n={n}, micro_batches={micro_batches}"
        got = accumulated_grads(model, loss_fn, x, y, micro_batches)
        expect_unchanged(x_copy, x, f"{what}: 입력 x")
        expect_unchanged(y_copy, y, f"{what}: 입력 y")
        expect_type(got, "dict", f"{what}: {{이름: 기울기}} 반환값")
        expect_equal(sorted(got), sorted(expected), f"{what}: 매개변수 이름")
        for name, grad in expected.items():
            expect_close(
                got[name],
                grad,
                f"{what}: '{name}'의 누적 기울기 (전체 배치 한 번의 기울기와 비교)",
                atol=1e-5,
            )
        expect(
            model.largest_batch <= limit,
            f"{what}: 모델이 한 번에 {model.largest_batch}개를 봤습니다; "
            f"조각마다 최대 {limit}개씩 나눠 계산해야 합니다",
        )
