"""Exercise checkers for advanced/03 (TensorBoard integration)."""

from __future__ import annotations

import math
import tempfile
import urllib.parse
from pathlib import Path

from aiotkit.exercises.core import expect, expect_close, expect_equal, register


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


@register("advanced/03", 1, "이벤트 파일에서 스칼라 곡선 읽기 (read_scalar_series)")
def _check_read_scalar_series(read_scalar_series) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = Path(tmp) / "run"
        expected = _write_runs(run_dir)
        for tag, (steps, values) in expected.items():
            got = read_scalar_series(run_dir, tag)
            expect(
                isinstance(got, tuple) and len(got) == 2,
                f"태그 {tag!r}: (steps, values) 두 리스트의 튜플을 반환해야 합니다 "
                f"(got {type(got).__name__})",
            )
            got_steps, got_values = list(got[0]), list(got[1])
            expect(
                all(isinstance(s, int) and not isinstance(s, bool) for s in got_steps),
                f"태그 {tag!r}: steps는 int 리스트여야 합니다 (got {got_steps[:5]})",
            )
            expect_equal(got_steps, steps, f"태그 {tag!r}의 steps ({len(steps)}개)")
            expect_close(got_values, values, f"태그 {tag!r}의 values", atol=1e-6)
        for path_type in (str, Path):  # 문자열 경로도 받아야 합니다
            steps, _ = read_scalar_series(path_type(run_dir), "accuracy")
            expect_equal(list(steps), [10, 20, 30], f"{path_type.__name__} 경로로 읽은 steps")
        raised_key_error = False
        try:
            read_scalar_series(run_dir, "no/such/tag")
        except KeyError:
            raised_key_error = True
        expect(raised_key_error, "없는 태그 'no/such/tag'에는 KeyError를 내야 합니다")


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
    ]
    for values, weight in cases:
        got = smooth(list(values), weight)
        expect(got is not None, f"smooth({values}, {weight}): 리스트를 반환해야 합니다 (got None)")
        got = [float(v) for v in got]
        expect_equal(len(got), len(values), f"smooth({values}, {weight})의 길이")
        expect(
            all(math.isfinite(v) for v in got), f"smooth({values}, {weight}): 값이 유한해야 합니다"
        )
        expect_close(
            got, _reference_smooth(values, weight), f"smooth({values}, weight={weight})", atol=1e-9
        )
    expect_equal(list(smooth([], 0.6)), [], "빈 리스트의 평활화")


def _check_url(scalars_url, base: str, run: str, tag: str) -> None:
    url = scalars_url(base, run, tag)
    expect(isinstance(url, str), f"URL은 문자열이어야 합니다 (got {type(url).__name__})")
    parts = urllib.parse.urlsplit(url)
    origin = urllib.parse.urlsplit(base)
    expect_equal(
        (parts.scheme, parts.netloc),
        (origin.scheme, origin.netloc),
        f"{url!r}의 주소(호스트:포트)",
    )
    expect_equal(parts.path, "/data/plugin/scalars/scalars", f"{url!r}의 경로(path)")
    expect(not parts.fragment, f"{url!r}: '#'이 인코딩되지 않아 뒷부분이 잘렸습니다")
    query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
    expect_equal(
        query,
        {"run": [run], "tag": [tag]},
        f"run={run!r}, tag={tag!r}로 만든 URL을 서버가 해석한 결과",
    )


@register("advanced/03", 3, "스칼라 API의 URL (scalars_url)")
def _check_scalars_url(scalars_url) -> None:
    _check_url(scalars_url, "http://127.0.0.1:6006", "lr_0.05", "accuracy/val")
    _check_url(scalars_url, "http://127.0.0.1:6006/", "lr_0.05", "loss")
    _check_url(scalars_url, "http://localhost:43127", "lr=0.1 & momentum", "loss/train")
    _check_url(scalars_url, "http://127.0.0.1:6006", "run #2", "a+b=c")
    _check_url(scalars_url, "http://127.0.0.1:6006", "온도 센서", "검증/정확도")
