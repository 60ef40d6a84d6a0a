"""Reference, wrong and alternative answers for aiot_applications/04 (deployment tools)."""

from collections import deque

import numpy as np
import torch


def latency_summary(latencies_s):
    ms = np.asarray(latencies_s, dtype=np.float64) * 1e3
    return {
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
        "throughput_per_s": len(ms) / (ms.sum() / 1e3),
    }


class StreamBuffer:
    def __init__(self, window, hop):
        self.window, self.hop = window, hop
        self.recent = None  # the last `window` samples, (time, channels)
        self.seen = 0  # samples received so far

    def push(self, chunk):
        chunk = np.asarray(chunk)
        out = []
        for sample in chunk:
            row = sample[None]
            self.recent = row if self.recent is None else np.concatenate([self.recent, row])
            self.recent = self.recent[-self.window :]
            self.seen += 1
            first = self.seen - self.window  # start index of the window ending here
            if first >= 0 and first % self.hop == 0:
                out.append(self.recent.T.copy())
        return out


def preprocess_window(window_tc, metadata):
    mean = np.asarray(metadata["mean"], dtype=np.float64)
    std = np.asarray(metadata["std"], dtype=np.float64)
    return ((np.asarray(window_tc, dtype=np.float64) - mean) / std).T[None].astype(np.float32)


# --- plausible wrong answers ---
def summary_seconds(latencies_s):  # forgets to convert to milliseconds
    s = np.asarray(latencies_s, dtype=np.float64)
    return {
        "p50_ms": float(np.percentile(s, 50)),
        "p99_ms": float(np.percentile(s, 99)),
        "throughput_per_s": len(s) / s.sum(),
    }


def summary_median_throughput(latencies_s):  # 1 / median ignores slow calls
    ms = np.asarray(latencies_s, dtype=np.float64) * 1e3
    return {
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
        "throughput_per_s": 1e3 / float(np.median(ms)),
    }


def summary_max_as_p99(latencies_s):  # p99 is not the maximum
    ms = np.asarray(latencies_s, dtype=np.float64) * 1e3
    return {
        "p50_ms": float(np.median(ms)),
        "p99_ms": float(ms.max()),
        "throughput_per_s": len(ms) / (ms.sum() / 1e3),
    }


class BufferTimeMajor(StreamBuffer):  # returns (window, channels), not the model layout
    def push(self, chunk):
        return [w.T for w in super().push(chunk)]


class BufferIgnoresHop(StreamBuffer):  # predicts after every sample
    def __init__(self, window, hop):
        super().__init__(window, 1)


class BufferResets(StreamBuffer):  # clears the buffer after each window: no overlap
    def push(self, chunk):
        out = []
        for sample in np.asarray(chunk):
            row = sample[None]
            self.recent = row if self.recent is None else np.concatenate([self.recent, row])
            if len(self.recent) == self.window:
                out.append(self.recent.T.copy())
                self.recent = None
        return out


class BufferLastOnly(StreamBuffer):  # one window per push at most (the newest)
    def push(self, chunk):
        return super().push(chunk)[-1:]


def preprocess_no_transpose(window_tc, metadata):  # keeps (time, channels)
    mean, std = np.asarray(metadata["mean"]), np.asarray(metadata["std"])
    return ((window_tc - mean) / std)[None].astype(np.float32)


def preprocess_float64(window_tc, metadata):  # ONNX Runtime wants float32
    mean, std = np.asarray(metadata["mean"]), np.asarray(metadata["std"])
    return ((window_tc - mean) / std).T[None]


def preprocess_variance(window_tc, metadata):  # divides by the variance
    mean, std = np.asarray(metadata["mean"]), np.asarray(metadata["std"])
    return ((window_tc - mean) / std**2).T[None].astype(np.float32)


def preprocess_wrong_axis(window_tc, metadata):  # transposes first, then normalises by time
    x = np.asarray(window_tc).T  # (channels, time)
    mean, std = np.asarray(metadata["mean"]), np.asarray(metadata["std"])
    if x.shape[1] != len(mean):
        mean, std = mean.mean(), std.mean()
    return ((x - mean) / std)[None].astype(np.float32)


def summary_nearest(latencies_s):  # "nearest" percentiles, not the default linear interpolation
    ms = np.asarray(latencies_s, dtype=np.float64) * 1e3
    return {
        "p50_ms": float(np.percentile(ms, 50, method="nearest")),
        "p99_ms": float(np.percentile(ms, 99, method="nearest")),
        "throughput_per_s": len(ms) / (ms.sum() / 1e3),
    }


def summary_sorts_in_place(latencies_s):  # sorts the caller's array to read percentiles
    ms = latencies_s
    ms.sort()
    n = len(ms)
    return {
        "p50_ms": float(np.percentile(ms, 50)) * 1e3,
        "p99_ms": float(np.percentile(ms, 99)) * 1e3,
        "throughput_per_s": n / float(np.sum(ms)),
    }


def summary_tensors(latencies_s):  # torch.quantile gives 0-d tensors
    ms = torch.as_tensor(latencies_s, dtype=torch.float64) * 1e3
    return {
        "p50_ms": torch.quantile(ms, 0.5),
        "p99_ms": torch.quantile(ms, 0.99),
        "throughput_per_s": len(ms) / (ms.sum() / 1e3),
    }


def summary_per_ms(latencies_s):  # throughput per millisecond
    ms = np.asarray(latencies_s, dtype=np.float64) * 1e3
    return {
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
        "throughput_per_s": len(ms) / ms.sum(),
    }


class BufferCountOffByOne:  # window count (seen - window + 1) // hop: off by one when hop > 1
    def __init__(self, window, hop):
        self.window, self.hop = window, hop
        self.samples = []
        self.emitted = 0

    def push(self, chunk):
        self.samples.extend(np.asarray(chunk))
        seen = len(self.samples)
        total = max((seen - self.window + 1) // self.hop, 0)
        out = []
        for i in range(self.emitted, total):
            out.append(np.array(self.samples[i * self.hop : i * self.hop + self.window]).T)
        self.emitted = max(self.emitted, total)
        return out


class BufferSeenModHop(StreamBuffer):  # predicts when seen % hop == 0, not (seen - window) % hop
    def push(self, chunk):
        out = []
        for sample in np.asarray(chunk):
            row = sample[None]
            self.recent = row if self.recent is None else np.concatenate([self.recent, row])
            self.recent = self.recent[-self.window :]
            self.seen += 1
            if self.seen >= self.window and self.seen % self.hop == 0:
                out.append(self.recent.T.copy())
        return out


class BufferHopPerChunk(StreamBuffer):  # restarts the hop count at every chunk
    def push(self, chunk):
        out = []
        for j, sample in enumerate(np.asarray(chunk)):
            row = sample[None]
            self.recent = row if self.recent is None else np.concatenate([self.recent, row])
            self.recent = self.recent[-self.window :]
            self.seen += 1
            if self.seen >= self.window and j % self.hop == 0:
                out.append(self.recent.T.copy())
        return out


class BufferRingView:  # returns views of a ring buffer that later samples overwrite
    def __init__(self, window, hop):
        self.window, self.hop = window, hop
        self.ring = None
        self.seen = 0

    def push(self, chunk):
        out = []
        for sample in np.asarray(chunk):
            if self.ring is None:
                self.ring = np.zeros((len(sample), self.window), dtype=np.asarray(chunk).dtype)
            self.ring[:, :-1] = self.ring[:, 1:]
            self.ring[:, -1] = sample
            self.seen += 1
            first = self.seen - self.window
            if first >= 0 and first % self.hop == 0:
                out.append(self.ring)  # no copy
        return out


# --- exercise 3 ---
def preprocess_in_place(window_tc, metadata):  # normalises the caller's array in place
    window_tc -= np.asarray(metadata["mean"], dtype=window_tc.dtype)
    window_tc /= np.asarray(metadata["std"], dtype=window_tc.dtype)
    return window_tc.T[None].astype(np.float32)


def preprocess_scalar_stats(window_tc, metadata):  # one mean/std for all channels
    mean, std = np.mean(metadata["mean"]), np.mean(metadata["std"])
    return ((np.asarray(window_tc, dtype=np.float64) - mean) / std).T[None].astype(np.float32)


def preprocess_tensor(window_tc, metadata):  # returns a torch tensor, not a NumPy array
    x = torch.as_tensor(np.asarray(window_tc, dtype=np.float32))
    mean = torch.tensor(metadata["mean"], dtype=torch.float32)
    std = torch.tensor(metadata["std"], dtype=torch.float32)
    return ((x - mean) / std).T.unsqueeze(0)


def preprocess_no_batch_axis(window_tc, metadata):  # (channels, time) without the batch axis
    mean, std = np.asarray(metadata["mean"]), np.asarray(metadata["std"])
    return ((np.asarray(window_tc, dtype=np.float64) - mean) / std).T.astype(np.float32)


# --- correct alternatives ---
def summary_torch(latencies_s):
    ms = torch.as_tensor(np.asarray(latencies_s), dtype=torch.float64) * 1000
    return {
        "p50_ms": torch.quantile(ms, 0.5).item(),
        "p99_ms": torch.quantile(ms, 0.99).item(),
        "throughput_per_s": 1.0 / (ms.mean().item() / 1000),
    }


def summary_quantile(latencies_s):
    seconds = np.array(latencies_s, dtype=float)
    p50, p99 = np.quantile(seconds, [0.5, 0.99])
    return {
        "throughput_per_s": float(seconds.size / seconds.sum()),
        "p99_ms": float(p99 * 1000),
        "p50_ms": float(p50 * 1000),
    }


class BufferCount:  # keeps every sample and counts the windows that are complete
    def __init__(self, window, hop):
        self.window, self.hop = window, hop
        self.samples = []
        self.emitted = 0

    def push(self, chunk):
        self.samples.extend(np.asarray(chunk))
        seen = len(self.samples)
        total = (seen - self.window) // self.hop + 1 if seen >= self.window else 0
        out = [
            np.array(self.samples[i * self.hop : i * self.hop + self.window]).T
            for i in range(self.emitted, total)
        ]
        self.emitted = max(self.emitted, total)
        return out


class BufferDeque:
    def __init__(self, window, hop):
        self.window, self.hop = window, hop
        self.recent = deque(maxlen=window)
        self.until_next = window  # samples still needed for the next window

    def push(self, chunk):
        out = []
        for sample in chunk:
            self.recent.append(np.array(sample))
            self.until_next -= 1
            if self.until_next == 0:
                out.append(np.stack(self.recent, axis=1))
                self.until_next = self.hop
        return out


def preprocess_after_transpose(window_tc, metadata):
    x = np.asarray(window_tc, dtype=np.float32).T  # (channels, time)
    mean = np.asarray(metadata["mean"], dtype=np.float32)[:, None]
    std = np.asarray(metadata["std"], dtype=np.float32)[:, None]
    return np.expand_dims((x - mean) / std, 0)


def preprocess_torch(window_tc, metadata):
    x = torch.from_numpy(np.asarray(window_tc, dtype=np.float64))
    z = (x - torch.tensor(metadata["mean"])) / torch.tensor(metadata["std"])
    return z.T.unsqueeze(0).float().numpy()


def preprocess_moveaxis(window_tc, metadata):
    z = (window_tc - np.array(metadata["mean"])) / np.array(metadata["std"])
    return np.moveaxis(z, -1, 0)[np.newaxis].astype("float32")


REFERENCE = {1: latency_summary, 2: StreamBuffer, 3: preprocess_window}
WRONG = {
    1: [
        summary_seconds,
        summary_median_throughput,
        summary_max_as_p99,
        summary_nearest,
        summary_sorts_in_place,
        summary_tensors,
        summary_per_ms,
    ],
    2: [
        BufferTimeMajor,
        BufferIgnoresHop,
        BufferResets,
        BufferLastOnly,
        BufferCountOffByOne,
        BufferSeenModHop,
        BufferHopPerChunk,
        BufferRingView,
    ],
    3: [
        preprocess_no_transpose,
        preprocess_float64,
        preprocess_variance,
        preprocess_wrong_axis,
        preprocess_in_place,
        preprocess_scalar_stats,
        preprocess_tensor,
        preprocess_no_batch_axis,
    ],
}
ALTERNATIVES = {
    1: [summary_torch, summary_quantile],
    2: [BufferCount, BufferDeque],
    3: [preprocess_after_transpose, preprocess_torch, preprocess_moveaxis],
}
