"""Reference solutions for basics/03 (datasets and dataloaders)."""

import math

import numpy as np
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset


class WindowDataset(Dataset):
    def __init__(self, series, input_len, horizon=1, stride=1):
        self.series, self.input_len, self.horizon, self.stride = series, input_len, horizon, stride
        self.count = max(0, (len(series) - input_len - horizon) // stride + 1)

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        if not 0 <= index < self.count:
            raise IndexError(index)
        t = index * self.stride
        end = t + self.input_len
        return self.series[t:end], self.series[end : end + self.horizon]


def sorted_pad_collate(batch):
    batch = sorted(batch, key=lambda item: len(item[0]), reverse=True)
    sequences = [series for series, _ in batch]
    lengths = torch.tensor([len(s) for s in sequences], dtype=torch.int64)
    labels = torch.stack([torch.as_tensor(label, dtype=torch.int64) for _, label in batch])
    return pad_sequence(sequences, batch_first=True), lengths, labels


def balanced_sample_weights(labels):
    counts = torch.bincount(labels)
    return (1.0 / counts.double())[labels]


# --- correct answers written differently ---
class WindowsPrecomputedStarts(Dataset):  # a list of start positions, made once
    def __init__(self, series, input_len, horizon=1, stride=1):
        self.series, self.input_len, self.horizon = series, input_len, horizon
        self.starts = list(range(0, len(series) - input_len - horizon + 1, stride))

    def __len__(self):
        return len(self.starts)

    def __getitem__(self, index):
        t = self.starts[index]  # a list raises IndexError itself
        return self.series[t : t + self.input_len], self.series[
            t + self.input_len : t + self.input_len + self.horizon
        ]


class WindowsUnfold(Dataset):  # Tensor.unfold cuts every window at once
    def __init__(self, series, input_len, horizon=1, stride=1):
        self.input_len = input_len
        size = input_len + horizon
        if len(series) < size:
            self.windows = series.new_zeros((0, size, *series.shape[1:]))
        else:
            self.windows = series.unfold(0, size, stride).movedim(-1, 1)

    def __len__(self):
        return self.windows.shape[0]

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(f"index {index} out of range")
        window = self.windows[index]
        return window[: self.input_len], window[self.input_len :]


def collate_argsort(batch):  # torch.sort on the lengths, then index everything
    lengths = torch.tensor([len(s) for s, _ in batch])
    lengths, order = torch.sort(lengths, descending=True)
    sequences = [batch[i][0] for i in order.tolist()]
    labels = torch.tensor([int(batch[i][1]) for i in order.tolist()])
    return pad_sequence(sequences, batch_first=True), lengths, labels


def collate_manual_padding(batch):  # zeros, then copy each series into its row
    batch = sorted(batch, key=lambda item: item[0].shape[0], reverse=True)
    longest = batch[0][0].shape[0]
    padded = batch[0][0].new_zeros((len(batch), longest, *batch[0][0].shape[1:]))
    for row, (series, _) in enumerate(batch):
        padded[row, : len(series)] = series
    lengths = torch.tensor([len(s) for s, _ in batch], dtype=torch.long)
    labels = torch.tensor([int(label) for _, label in batch], dtype=torch.long)
    return padded, lengths, labels


def weights_unique_inverse(labels):  # counts of the classes that occur, mapped back per sample
    _, inverse, counts = torch.unique(labels, return_inverse=True, return_counts=True)
    return 1.0 / counts[inverse].float()


def weights_sklearn_style(labels):  # N / (classes * count), as in class_weight="balanced"
    values = labels.numpy()
    classes, counts = np.unique(values, return_counts=True)
    per_class = dict(
        zip(classes.tolist(), (len(values) / (len(classes) * counts)).tolist(), strict=True)
    )
    return torch.tensor([per_class[v] for v in values.tolist()], dtype=torch.float64)


# --- plausible wrong answers ---
class WindowsLenOffByOne(WindowDataset):  # forgets the "+ 1"
    def __init__(self, series, input_len, horizon=1, stride=1):
        super().__init__(series, input_len, horizon, stride)
        self.count = max(0, (len(series) - input_len - horizon) // stride)


class WindowsIgnoreStride(WindowDataset):  # window start = index, not index * stride
    def __getitem__(self, index):
        if not 0 <= index < self.count:
            raise IndexError(index)
        end = index + self.input_len
        return self.series[index:end], self.series[end : end + self.horizon]


class WindowsTargetOverlaps(WindowDataset):  # y starts at the last input step
    def __getitem__(self, index):
        if not 0 <= index < self.count:
            raise IndexError(index)
        t = index * self.stride
        end = t + self.input_len
        return self.series[t:end], self.series[end - 1 : end - 1 + self.horizon]


class WindowsNoIndexError(WindowDataset):  # slices past the end instead of raising
    def __getitem__(self, index):
        t = index * self.stride
        end = t + self.input_len
        return self.series[t:end], self.series[end : end + self.horizon]


class WindowsNegativeLength(WindowDataset):  # no max(0, ...) for short series
    def __init__(self, series, input_len, horizon=1, stride=1):
        super().__init__(series, input_len, horizon, stride)
        self.count = (len(series) - input_len - horizon) // stride + 1


def pad_collate_unsorted(batch):  # the notebook's pad_collate: not sorted by length
    sequences, labels = zip(*batch, strict=True)
    lengths = torch.tensor([len(s) for s in sequences])
    return pad_sequence(list(sequences), batch_first=True), lengths, torch.stack(labels)


def pad_collate_labels_not_reordered(batch):
    sequences = sorted((s for s, _ in batch), key=len, reverse=True)
    lengths = torch.tensor([len(s) for s in sequences])
    labels = torch.stack([label for _, label in batch])
    return pad_sequence(sequences, batch_first=True), lengths, labels


def pad_collate_time_first(batch):  # pad_sequence's default batch_first=False
    batch = sorted(batch, key=lambda item: len(item[0]), reverse=True)
    sequences = [s for s, _ in batch]
    lengths = torch.tensor([len(s) for s in sequences])
    return pad_sequence(sequences), lengths, torch.stack([label for _, label in batch])


def weights_per_class(labels):  # one weight per class, not per sample
    return 1.0 / torch.bincount(labels).double()


def weights_frequency(labels):  # proportional to frequency: makes imbalance worse
    return torch.bincount(labels).double()[labels]


def weights_unique_counts(labels):  # counts of present classes indexed by label value
    _, counts = torch.unique(labels, return_counts=True)
    return 1.0 / counts.double()[labels]


class WindowsCeilCount(WindowDataset):  # ceil((T - L - H) / stride): one short when it divides
    def __init__(self, series, input_len, horizon=1, stride=1):
        super().__init__(series, input_len, horizon, stride)
        self.count = max(0, math.ceil((len(series) - input_len - horizon) / stride))


class WindowsStrideOffByOne(WindowDataset):  # (T - L - H + 1) // stride: right only for stride 1
    def __init__(self, series, input_len, horizon=1, stride=1):
        super().__init__(series, input_len, horizon, stride)
        self.count = max(0, (len(series) - input_len - horizon + 1) // stride)


class WindowsLenIgnoresHorizon(WindowDataset):  # forgets that y needs horizon more steps
    def __init__(self, series, input_len, horizon=1, stride=1):
        super().__init__(series, input_len, horizon, stride)
        self.count = max(0, (len(series) - input_len) // stride)


def pad_collate_ascending(batch):  # shortest first
    batch = sorted(batch, key=lambda item: len(item[0]))
    sequences = [s for s, _ in batch]
    lengths = torch.tensor([len(s) for s in sequences])
    return (
        pad_sequence(sequences, batch_first=True),
        lengths,
        torch.tensor([int(y) for _, y in batch]),
    )


def pad_collate_float_lengths(batch):  # lengths as a float tensor
    batch = sorted(batch, key=lambda item: len(item[0]), reverse=True)
    sequences = [s for s, _ in batch]
    lengths = torch.tensor([float(len(s)) for s in sequences])
    return (
        pad_sequence(sequences, batch_first=True),
        lengths,
        torch.tensor([int(y) for _, y in batch]),
    )


def pad_collate_stack_labels(batch):  # torch.stack fails when the labels are Python ints
    batch = sorted(batch, key=lambda item: len(item[0]), reverse=True)
    sequences = [s for s, _ in batch]
    lengths = torch.tensor([len(s) for s in sequences])
    return pad_sequence(sequences, batch_first=True), lengths, torch.stack([y for _, y in batch])


def pad_collate_minus_one(batch):  # pads with -1 instead of 0
    batch = sorted(batch, key=lambda item: len(item[0]), reverse=True)
    sequences = [s for s, _ in batch]
    lengths = torch.tensor([len(s) for s in sequences])
    labels = torch.tensor([int(y) for _, y in batch])
    return pad_sequence(sequences, batch_first=True, padding_value=-1.0), lengths, labels


def weights_integer(labels):  # integer weights: largest count // count is rounded down
    counts = torch.bincount(labels)
    return (counts.max() // counts.clamp(min=1))[labels]


def weights_numpy(labels):  # a NumPy array, not a tensor
    counts = np.bincount(labels.numpy())
    return (1.0 / counts)[labels.numpy()]


def weights_smoothed(labels):  # 1 / (count + 1): not balanced
    return (1.0 / (torch.bincount(labels).double() + 1))[labels]


def weights_relabels_in_place(labels):  # makes the labels 0..k-1 by writing into the input
    _, inverse = torch.unique(labels, return_inverse=True)
    labels.copy_(inverse)
    return (1.0 / torch.bincount(labels).double())[labels]


REFERENCE = {1: WindowDataset, 2: sorted_pad_collate, 3: balanced_sample_weights}
WRONG = {
    1: [
        WindowsLenOffByOne,
        WindowsIgnoreStride,
        WindowsTargetOverlaps,
        WindowsNoIndexError,
        WindowsNegativeLength,
        WindowsCeilCount,
        WindowsStrideOffByOne,
        WindowsLenIgnoresHorizon,
    ],
    2: [
        pad_collate_unsorted,
        pad_collate_labels_not_reordered,
        pad_collate_time_first,
        pad_collate_ascending,
        pad_collate_float_lengths,
        pad_collate_stack_labels,
        pad_collate_minus_one,
    ],
    3: [
        weights_per_class,
        weights_frequency,
        weights_unique_counts,
        weights_integer,
        weights_numpy,
        weights_smoothed,
        weights_relabels_in_place,
    ],
}
ALTERNATIVES = {
    1: [WindowsPrecomputedStarts, WindowsUnfold],
    2: [collate_argsort, collate_manual_padding],
    3: [weights_unique_inverse, weights_sklearn_style],
}
