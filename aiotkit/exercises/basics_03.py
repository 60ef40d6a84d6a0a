"""Exercise checkers for basics/03 (datasets and dataloaders)."""

from __future__ import annotations

import torch
from torch.nn.utils.rnn import pack_padded_sequence
from torch.utils.data import WeightedRandomSampler

from aiotkit.exercises.core import (
    CheckFailed,
    expect,
    expect_close,
    expect_equal,
    expect_type,
    expect_unchanged,
    register,
)


def _expected_windows(series: torch.Tensor, input_len: int, horizon: int, stride: int):
    starts = range(0, len(series) - input_len - horizon + 1, stride)
    return [
        (series[t : t + input_len], series[t + input_len : t + input_len + horizon]) for t in starts
    ]


@register("basics/03", 1, "슬라이딩 윈도우 데이터셋 (WindowDataset)")
def _check_window_dataset(make_dataset) -> None:
    one_d = torch.arange(20, dtype=torch.float32) * 1.5 + 0.25
    two_d = torch.arange(45, dtype=torch.float32).reshape(15, 3)
    cases = [
        ("T=10, input_len=3, horizon=2, stride=2", one_d[:10], 3, 2, 2),
        ("T=20, input_len=5, horizon=1, stride=1", one_d, 5, 1, 1),
        ("T=12, input_len=4, horizon=3, stride=5", one_d[:12], 4, 3, 5),
        ("T=13, input_len=3, horizon=2, stride=4", one_d[:13], 3, 2, 4),
        ("T=11, input_len=3, horizon=1, stride=3", one_d[:11], 3, 1, 3),
        ("(T=15, 특징 3), input_len=4, horizon=2, stride=3", two_d, 4, 2, 3),
        ("T = input_len + horizon (윈도우 정확히 1개)", one_d[:6], 4, 2, 1),
        ("T=3, input_len=3, horizon=2 (윈도우보다 짧음)", one_d[:3], 3, 2, 1),
    ]
    for name, series, input_len, horizon, stride in cases:
        argument = series.clone()
        dataset = make_dataset(argument, input_len, horizon, stride)
        expected = _expected_windows(series, input_len, horizon, stride)
        try:
            length = len(dataset)
        except ValueError as exc:  # len() refuses a negative __len__
            raise CheckFailed(
                f"{name}: len()이 실패했습니다 ({exc}). 윈도우가 없으면 0을 반환해야 합니다 (음수가 아니라)"
            ) from None
        expect_equal(length, len(expected), f"{name}: len(dataset)")
        for index, (x_expected, y_expected) in enumerate(expected):
            item = dataset[index]
            expect(
                isinstance(item, tuple) and len(item) == 2,
                f"{name}: dataset[{index}]은 (x, y) 튜플이어야 합니다 (받은 값 {type(item).__name__})",
            )
            x, y = item
            expect(
                isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor),
                f"{name}: dataset[{index}]의 x, y는 텐서여야 합니다",
            )
            expect_close(
                x, x_expected, f"{name}: dataset[{index}]의 x (입력 윈도우)", atol=0, rtol=0
            )
            expect_close(y, y_expected, f"{name}: dataset[{index}]의 y (정답)", atol=0, rtol=0)
        expect_unchanged(series, argument, f"{name}: 입력 series")
        try:
            dataset[len(expected)]
        except IndexError:
            pass
        else:
            raise CheckFailed(
                f"{name}: dataset[{len(expected)}] (범위 밖)은 IndexError를 내야 합니다. "
                "그렇지 않으면 for 문이 끝나지 않습니다"
            )
    defaults = make_dataset(one_d.clone(), 3)
    expect_equal(
        len(defaults), 17, "WindowDataset(T=20 시계열, 3) (기본값 horizon=1, stride=1)의 길이"
    )
    expect_close(defaults[16][1], one_d[19:20], "기본값으로 만든 마지막 윈도우의 y", atol=0, rtol=0)


def _collate_items(lengths: list[int], channels: int | None, seed: int, int_labels: bool):
    generator = torch.Generator().manual_seed(seed)
    items = []
    for i, n in enumerate(lengths):
        shape = (n,) if channels is None else (n, channels)
        label = 100 + i if int_labels else torch.tensor(100 + i)
        items.append((torch.randn(shape, generator=generator) + 1.0, label))
    return items


@register("basics/03", 2, "길이순 정렬 padding collate (sorted_pad_collate)")
def _check_sorted_pad_collate(collate) -> None:
    cases = [
        ("(T, 2) 시계열 5개, 길이 [3, 7, 5, 7, 1]", [3, 7, 5, 7, 1], 2, False),
        ("(T,) 1차원 시계열 3개, 길이 [4, 2, 6]", [4, 2, 6], None, False),
        ("샘플 1개", [5], 3, False),
        ("이미 정렬된 길이 [6, 4, 2]", [6, 4, 2], 1, False),
        ("레이블이 파이썬 int, 길이 [2, 5, 3, 4]", [2, 5, 3, 4], 2, True),
    ]
    for seed, (name, lengths, channels, int_labels) in enumerate(cases):
        items = _collate_items(lengths, channels, seed, int_labels)
        by_label = {int(label): series for series, label in items}
        batch = [(s.clone(), label) for s, label in items]
        result = collate(batch)
        for (original, _), (given, _) in zip(items, batch, strict=True):
            expect_unchanged(original, given, f"{name}: 입력 시계열")
        expect(
            isinstance(result, tuple) and len(result) == 3,
            f"{name}: (padded, lengths, labels) 세 개를 반환해야 합니다",
        )
        padded, got_lengths, labels = result
        for what, value in (("padded", padded), ("lengths", got_lengths), ("labels", labels)):
            expect(
                isinstance(value, torch.Tensor),
                f"{name}: {what}는 텐서여야 합니다 (받은 값 {type(value).__name__})",
            )
        batch, longest = len(lengths), max(lengths)
        shape = (batch, longest) if channels is None else (batch, longest, channels)
        expect_equal(
            tuple(padded.shape),
            shape,
            f"{name}: padded의 모양 (B, T_max{'' if channels is None else ', C'})",
        )
        expect(
            got_lengths.dtype == torch.int64 and labels.dtype == torch.int64,
            f"{name}: lengths와 labels는 int64 텐서여야 합니다 (받은 dtype {got_lengths.dtype}, {labels.dtype})",
        )
        expect_equal(
            got_lengths.tolist(), sorted(lengths, reverse=True), f"{name}: lengths (내림차순)"
        )
        expect_equal(
            sorted(labels.tolist()), sorted(by_label), f"{name}: labels에 들어 있는 레이블"
        )
        for row, (n, label) in enumerate(zip(got_lengths.tolist(), labels.tolist(), strict=True)):
            original = by_label[label]
            expect_equal(
                n,
                len(original),
                f"{name}: {row}번째 행의 길이와 그 행의 레이블 {label}인 시계열의 길이",
            )
            expect_close(
                padded[row, :n],
                original,
                f"{name}: {row}번째 행의 실제 값 (레이블 {label})",
                atol=0,
                rtol=0,
            )
            expect(
                bool((padded[row, n:] == 0).all()),
                f"{name}: {row}번째 행의 길이 뒤는 0으로 덧붙여야 합니다",
            )
        try:
            pack_padded_sequence(padded, got_lengths, batch_first=True, enforce_sorted=True)
        except RuntimeError as exc:
            raise CheckFailed(
                f"{name}: pack_padded_sequence(enforce_sorted=True)가 실패합니다: {exc}"
            ) from None


@register("basics/03", 3, "클래스 균형 가중치 (balanced_sample_weights)")
def _check_balanced_weights(balanced_sample_weights) -> None:
    generator = torch.Generator().manual_seed(0)
    cases = [
        ("이상 7% (0: 93개, 1: 7개)", torch.tensor([0] * 93 + [1] * 7)),
        ("세 클래스 (50, 30, 5개)", torch.tensor([0] * 50 + [1] * 30 + [2] * 5)),
        ("레이블이 0과 2뿐 (40, 10개)", torch.tensor([0] * 40 + [2] * 10)),
        ("클래스 하나", torch.tensor([1] * 10)),
    ]
    for name, ordered in cases:
        labels = ordered[torch.randperm(len(ordered), generator=generator)]
        argument = labels.clone()
        weights = balanced_sample_weights(argument)
        expect_unchanged(labels, argument, f"{name}: 입력 labels")
        expect_type(weights, "tensor", f"{name}: 반환값")
        expect(
            weights.is_floating_point(),
            f"{name}: 가중치는 float 텐서여야 합니다 (받은 dtype {weights.dtype})",
        )
        expect_equal(tuple(weights.shape), (len(labels),), f"{name}: 가중치 모양 (샘플마다 하나)")
        weights = weights.double()
        expect(
            bool(torch.isfinite(weights).all() and (weights > 0).all()),
            f"{name}: 가중치는 모두 유한한 양수여야 합니다",
        )
        classes = labels.unique()
        sums = torch.stack([weights[labels == c].sum() for c in classes])
        expect_close(
            sums / sums.sum(),
            torch.full((len(classes),), 1.0 / len(classes), dtype=torch.float64),
            f"{name}: 클래스별 가중치 합의 비율 (모두 같아야 함)",
            atol=1e-6,
        )
        sampler = WeightedRandomSampler(
            weights,
            num_samples=20_000,
            replacement=True,
            generator=torch.Generator().manual_seed(1),
        )
        drawn = labels[torch.tensor(list(sampler))]
        fractions = torch.stack([(drawn == c).double().mean() for c in classes])
        expect_close(
            fractions,
            torch.full((len(classes),), 1.0 / len(classes), dtype=torch.float64),
            f"{name}: WeightedRandomSampler로 20,000번 뽑은 클래스 비율",
            atol=0.05,
        )
