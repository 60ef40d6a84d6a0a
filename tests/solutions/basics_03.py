"""Reference solutions for basics/03 (datasets and dataloaders)."""

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


REFERENCE = {1: WindowDataset, 2: sorted_pad_collate, 3: balanced_sample_weights}
WRONG = {
    1: [
        WindowsLenOffByOne,
        WindowsIgnoreStride,
        WindowsTargetOverlaps,
        WindowsNoIndexError,
        WindowsNegativeLength,
    ],
    2: [pad_collate_unsorted, pad_collate_labels_not_reordered, pad_collate_time_first],
    3: [weights_per_class, weights_frequency, weights_unique_counts],
}
