"""Reference solutions for aiot_applications/04 (deployment tools)."""

import numpy as np


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


def preprocess(window_tc, metadata):
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


REFERENCE = {1: latency_summary, 2: StreamBuffer, 3: preprocess}
WRONG = {
    1: [summary_seconds, summary_median_throughput, summary_max_as_p99],
    2: [BufferTimeMajor, BufferIgnoresHop, BufferResets, BufferLastOnly],
    3: [preprocess_no_transpose, preprocess_float64, preprocess_variance, preprocess_wrong_axis],
}
