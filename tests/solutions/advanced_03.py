"""Reference solutions for advanced/03 (TensorBoard integration)."""

import urllib.parse

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def read_scalar_series(run_dir, tag):
    accumulator = EventAccumulator(str(run_dir), size_guidance={"scalars": 0})
    accumulator.Reload()
    events = accumulator.Scalars(tag)
    return [e.step for e in events], [e.value for e in events]


def smooth(values, weight):
    last, smoothed = 0.0, []
    for t, value in enumerate(values, start=1):
        last = weight * last + (1 - weight) * value
        smoothed.append(last / (1 - weight**t))
    return smoothed


def scalars_url(base_url, run, tag):
    query = urllib.parse.urlencode({"run": run, "tag": tag})
    return base_url.rstrip("/") + "/data/plugin/scalars/scalars?" + query


# --- plausible wrong answers ---
def read_scalar_series_sampled(run_dir, tag):  # default size_guidance keeps only a sample
    accumulator = EventAccumulator(str(run_dir), size_guidance={"scalars": 10})
    accumulator.Reload()
    events = accumulator.Scalars(tag)
    return [e.step for e in events], [e.value for e in events]


def read_scalar_series_wall_time(run_dir, tag):  # wall-clock time instead of the step
    accumulator = EventAccumulator(str(run_dir), size_guidance={"scalars": 0})
    accumulator.Reload()
    events = accumulator.Scalars(tag)
    return [int(e.wall_time) for e in events], [e.value for e in events]


def read_scalar_series_first_file(run_dir, tag):  # reads only one event file of the folder
    from pathlib import Path

    first = sorted(Path(run_dir).glob("events.out.tfevents.*"))[0]
    accumulator = EventAccumulator(str(first), size_guidance={"scalars": 0})
    accumulator.Reload()
    events = accumulator.Scalars(tag)
    return [e.step for e in events], [e.value for e in events]


def smooth_no_debias(values, weight):  # EMA started at 0 without the bias correction
    last, smoothed = 0.0, []
    for value in values:
        last = weight * last + (1 - weight) * value
        smoothed.append(last)
    return smoothed


def smooth_start_at_first(values, weight):  # EMA started at the first value (no debiasing)
    smoothed = []
    for value in values:
        last = value if not smoothed else weight * smoothed[-1] + (1 - weight) * value
        smoothed.append(last)
    return smoothed


def smooth_debias_off_by_one(values, weight):  # bias correction with the wrong exponent
    last, smoothed = 0.0, []
    for t, value in enumerate(values, start=1):
        last = weight * last + (1 - weight) * value
        smoothed.append(last / (1 - weight ** (t + 1)))
    return smoothed


def scalars_url_unencoded(base_url, run, tag):  # no URL encoding
    return f"{base_url.rstrip('/')}/data/plugin/scalars/scalars?run={run}&tag={tag}"


def scalars_url_double_slash(base_url, run, tag):  # keeps the trailing slash of base_url
    query = urllib.parse.urlencode({"run": run, "tag": tag})
    return base_url + "/data/plugin/scalars/scalars?" + query


REFERENCE = {1: read_scalar_series, 2: smooth, 3: scalars_url}
WRONG = {
    1: [read_scalar_series_sampled, read_scalar_series_wall_time, read_scalar_series_first_file],
    2: [smooth_no_debias, smooth_start_at_first, smooth_debias_off_by_one],
    3: [scalars_url_unencoded, scalars_url_double_slash],
}
