"""Exercise checkers for advanced/03 (TensorBoard integration)."""

from __future__ import annotations

import math
import shutil
import tempfile
import warnings
from pathlib import Path

from aiotkit.exercises.core import (
    expect,
    expect_close,
    expect_equal,
    expect_not_using,
    expect_type,
    expect_unchanged,
    is_integer,
    is_real,
    register,
)

LONG_TAG, LONG_POINTS = "loss/step", 10_003  # EventAccumulator의 기본 상한(10,000개)보다 많이
_long_run_cache: dict[str, bytes] = {}


def _write_runs(root: Path) -> dict[str, tuple[list[int], list[float]]]:
    """Write a run with two event files; return the expected series per tag."""
    from torch.utils.tensorboard import SummaryWriter

    expected = {
        "loss/train": (list(range(50)), [1.0 / (1 + 0.1 * s) for s in range(50)]),
        "accuracy": ([10, 20, 30], [0.5, 0.75, 0.875]),
        "late/metric": ([3, 7], [2.5, -1.25]),
    }
    first = SummaryWriter(log_dir=str(root))
    for tag in ("loss/train", "accuracy"):
        for step, value in zip(*expected[tag], strict=True):
            first.add_scalar(tag, value, step)
    first.close()
    second = SummaryWriter(log_dir=str(root), filename_suffix=".second")  # a second event file
    for step, value in zip(*expected["late/metric"], strict=True):
        second.add_scalar("late/metric", value, step)
    second.close()
    return expected


def _long_value(step: int) -> float:
    return 2.0 / (1 + 0.01 * step) + 0.001 * (step % 7)


def _write_long_run(root: Path) -> None:
    """One event file with LONG_POINTS scalars (written once per process, then copied)."""
    if not _long_run_cache:
        from torch.utils.tensorboard import SummaryWriter

        with tempfile.TemporaryDirectory() as tmp:
            writer = SummaryWriter(log_dir=tmp)
            for step in range(LONG_POINTS):
                writer.add_scalar(LONG_TAG, _long_value(step), step)
            writer.close()
            for path in Path(tmp).glob("events.out.tfevents.*"):
                _long_run_cache[path.name] = path.read_bytes()
    root.mkdir(parents=True)
    for name, data in _long_run_cache.items():
        (root / name).write_bytes(data)


def _read(read_scalar_series, run_dir, tag: str, what: str) -> tuple[list, list]:
    got = read_scalar_series(run_dir, tag)
    expect(
        isinstance(got, tuple) and len(got) == 2,
        f"{what}: (steps, values) 두 리스트의 튜플을 반환해야 합니다 (받은 값 {type(got).__name__})",
    )
    steps, values = list(got[0]), list(got[1])
    bad_step = next((s for s in steps if not is_integer(s)), None)
    expect(
        bad_step is None,
        f"{what}: steps는 정수(int) 리스트여야 합니다 (받은 원소 {bad_step!r}, "
        f"{type(bad_step).__name__})",
    )
    bad_value = next((v for v in values if not is_real(v)), None)
    expect(
        bad_value is None,
        f"{what}: values는 실수(float) 리스트여야 합니다 (받은 원소 {type(bad_value).__name__})",
    )
    return steps, values


@register("advanced/03", 1, "이벤트 파일에서 스칼라 곡선 읽기 (read_scalar_series)")
def _check_read_scalar_series(read_scalar_series) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = Path(tmp) / "run"
        expected = _write_runs(run_dir)
        for tag, (steps, values) in expected.items():
            what = f"태그 {tag!r}"
            got_steps, got_values = _read(read_scalar_series, run_dir, tag, what)
            expect_equal(got_steps, steps, f"{what}의 steps ({len(steps)}개)")
            expect_close(got_values, values, f"{what}의 values", atol=1e-6)
        steps, _ = _read(read_scalar_series, str(run_dir), "accuracy", "문자열 경로")
        expect_equal(steps, [10, 20, 30], "문자열 경로로 읽은 'accuracy'의 steps")
        raised_key_error = False
        try:
            read_scalar_series(run_dir, "no/such/tag")
        except KeyError:
            raised_key_error = True
        expect(raised_key_error, "없는 태그 'no/such/tag'에는 KeyError를 내야 합니다")

        long_dir = Path(tmp) / "long_run"
        _write_long_run(long_dir)
        what = f"점 {LONG_POINTS:,}개를 기록한 태그 {LONG_TAG!r}"
        steps, values = _read(read_scalar_series, long_dir, LONG_TAG, what)
        expect_equal(len(steps), LONG_POINTS, f"{what}: 돌려준 점의 수")
        expect(
            steps == list(range(LONG_POINTS)),
            f"{what}: steps가 0, 1, …, {LONG_POINTS - 1}이어야 합니다 (빠지거나 순서가 다른 점이 있음)",
        )
        expect_close(
            values, [_long_value(s) for s in range(LONG_POINTS)], f"{what}의 values", atol=1e-5
        )


def _reference_smooth(values: list[float], weight: float) -> list[float]:
    last, out = 0.0, []
    for t, v in enumerate(values, start=1):
        last = weight * last + (1 - weight) * v
        out.append(last / (1 - weight**t))
    return out


@register("advanced/03", 2, "TensorBoard 평활화 (smooth)")
def _check_smooth(smooth) -> None:
    cases = [
        ([1.0, 2.0, 3.0, 4.0], 0.6),
        ([5.0, 5.0, 5.0, 5.0, 5.0], 0.9),
        ([0.9, 0.1, 0.8, 0.2, 0.7, 0.3], 0.5),
        ([3.0, -1.0, 2.0], 0.0),
        ([10.0], 0.99),
        ([2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0], 0.95),
        ([0.5 + 0.01 * ((7 * k) % 13) for k in range(40)], 0.8),
    ]
    for values, weight in cases:
        what = f"smooth({values if len(values) <= 7 else f'[…{len(values)}개]'}, weight={weight})"
        given = list(values)
        got = smooth(given, weight)
        expect_unchanged(list(values), given, f"{what}: 입력 리스트")
        expect_type(got, "list", what)
        bad = next((v for v in got if not is_real(v)), None)
        expect(
            bad is None,
            f"{what}: 원소는 실수(float)여야 합니다 (받은 원소 {type(bad).__name__})",
        )
        got = [float(v) for v in got]
        expect_equal(len(got), len(values), f"{what}의 길이")
        expect(all(math.isfinite(v) for v in got), f"{what}: 값이 유한해야 합니다")
        expect_close(got, _reference_smooth(values, weight), what, atol=1e-9)
    empty = smooth([], 0.6)
    expect_type(empty, "list", "smooth([], 0.6)")
    expect_equal(empty, [], "빈 리스트의 평활화")


def _run_name(hparams: dict) -> str:
    return ",".join(f"{key}={hparams[key]}" for key in sorted(hparams))


def _expect_new_dir(new_run_dir, root, hparams: dict, expected: Path, what: str) -> None:
    given = dict(hparams)
    got = new_run_dir(root, given)
    expect_unchanged(dict(hparams), given, f"{what}: 입력 hparams")
    expect(
        isinstance(got, str | Path),
        f"{what}: 폴더 경로(Path 또는 문자열)를 반환해야 합니다 (받은 값 {type(got).__name__})",
    )
    got = Path(got)
    expect(
        got.resolve() == expected.resolve(),
        f"{what}: 기대한 폴더 {expected.name!r}, 받은 폴더 {got.name!r}",
    )
    expect(got.is_dir(), f"{what}: 반환한 폴더 {expected.name!r}가 만들어지지 않았습니다")


@register("advanced/03", 3, "실행마다 새 로그 폴더 (new_run_dir)")
def _check_new_run_dir(new_run_dir) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "runs" / "digits"  # 아직 없는 폴더
        first = {"lr": 0.05, "batch_size": 64}
        name = _run_name(first)
        for k, suffix in enumerate(["", "_2", "_3"], start=1):
            _expect_new_dir(
                new_run_dir, root, first, root / (name + suffix), f"{first}로 {k}번째 호출"
            )
        (root / "baseline").mkdir()  # 관계없는 다른 실행
        second = {"optimizer": "SGD", "momentum": 0.9, "lr": 0.001}
        name = _run_name(second)
        (root / name).mkdir()
        (root / f"{name}_3").mkdir()  # _2는 비어 있음
        what = f"{second} (이미 {name!r}와 {name + '_3'!r}가 있을 때)"
        _expect_new_dir(new_run_dir, str(root), second, root / f"{name}_2", what)
        _expect_new_dir(new_run_dir, root, second, root / f"{name}_4", f"{second}로 한 번 더")
        single = {"seed": 0}
        _expect_new_dir(new_run_dir, root, single, root / "seed=0", f"{single}, 처음")
        shutil.rmtree(root)


def _scheduled_steps(total_steps, wait, warmup, active, repeat, skip_first) -> list[int]:
    """The steps that torch.profiler.schedule records (RECORD or RECORD_AND_SAVE)."""
    from torch.profiler import ProfilerAction, schedule

    recorded = {ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE}
    with warnings.catch_warnings():  # warmup=0이면 "워밍업 없이 잰다"는 UserWarning
        warnings.simplefilter("ignore", UserWarning)
        policy = schedule(
            wait=wait, warmup=warmup, active=active, repeat=repeat, skip_first=skip_first
        )
        return [step for step in range(total_steps) if policy(step) in recorded]


@register("advanced/03", 4, "프로파일러 schedule이 기록하는 스텝 (recorded_steps)")
def _check_recorded_steps(recorded_steps) -> None:
    expect_not_using(
        recorded_steps,
        {"schedule": "torch.profiler.schedule", "ProfilerAction": "ProfilerAction"},
        "torch.profiler.schedule을 쓰지 않고 규칙으로 계산합니다",
    )
    cases = [
        dict(total_steps=6, wait=1, warmup=2, active=3),  # 노트북의 설정
        dict(total_steps=5, wait=1, warmup=2, active=3),  # active 도중에 끝남
        dict(total_steps=20, wait=1, warmup=1, active=2, repeat=2),
        dict(total_steps=12, wait=0, warmup=0, active=1),  # repeat=0: 끝없이 반복
        dict(total_steps=15, wait=2, warmup=1, active=2, skip_first=3),
        dict(total_steps=30, wait=3, warmup=0, active=4, repeat=3, skip_first=2),
        dict(total_steps=17, wait=0, warmup=2, active=3),
        dict(total_steps=3, wait=2, warmup=2, active=1),  # 하나도 기록 못 함
        dict(total_steps=40, wait=1, warmup=2, active=1, repeat=1, skip_first=5),
    ]
    for case in cases:
        case = {"repeat": 0, "skip_first": 0, **case}
        expected = _scheduled_steps(**case)
        args = dict(case)
        total = args.pop("total_steps")
        what = ", ".join(f"{k}={v}" for k, v in case.items())
        got = recorded_steps(total, **args)
        expect_type(got, "list", f"{what}: 반환값")
        bad = next((s for s in got if not is_integer(s)), None)
        expect(bad is None, f"{what}: 원소는 정수(int)여야 합니다 (받은 원소 {type(bad).__name__})")
        expect_equal([int(s) for s in got], expected, f"{what}: 기록되는 스텝 번호")
