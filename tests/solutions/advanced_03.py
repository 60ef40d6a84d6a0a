"""Reference solutions for advanced/03 (TensorBoard integration)."""

from pathlib import Path

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


def new_run_dir(root, hparams):
    name = ",".join(f"{key}={hparams[key]}" for key in sorted(hparams))
    candidate, k = Path(root) / name, 2
    while candidate.exists():
        candidate = Path(root) / f"{name}_{k}"
        k += 1
    candidate.mkdir(parents=True)
    return candidate


# --- plausible wrong answers ---
def read_scalar_series_sampled(run_dir, tag):  # a small size_guidance keeps only a sample
    accumulator = EventAccumulator(str(run_dir), size_guidance={"scalars": 10})
    accumulator.Reload()
    events = accumulator.Scalars(tag)
    return [e.step for e in events], [e.value for e in events]


def read_scalar_series_default_guidance(run_dir, tag):  # default cap: 10,000 points per tag
    accumulator = EventAccumulator(str(run_dir))
    accumulator.Reload()
    events = accumulator.Scalars(tag)
    return [e.step for e in events], [e.value for e in events]


def read_scalar_series_wall_time(run_dir, tag):  # wall-clock time instead of the step
    accumulator = EventAccumulator(str(run_dir), size_guidance={"scalars": 0})
    accumulator.Reload()
    events = accumulator.Scalars(tag)
    return [int(e.wall_time) for e in events], [e.value for e in events]


def read_scalar_series_first_file(run_dir, tag):  # reads only one event file of the folder
    first = sorted(Path(run_dir).glob("events.out.tfevents.*"))[0]
    accumulator = EventAccumulator(str(first), size_guidance={"scalars": 0})
    accumulator.Reload()
    events = accumulator.Scalars(tag)
    return [e.step for e in events], [e.value for e in events]


def read_scalar_series_float_steps(run_dir, tag):  # a 2-D NumPy array turns the steps into floats
    import numpy as np

    accumulator = EventAccumulator(str(run_dir), size_guidance={"scalars": 0})
    accumulator.Reload()
    table = np.array([[e.step, e.value] for e in accumulator.Scalars(tag)])
    return table[:, 0].tolist(), table[:, 1].tolist()


def read_scalar_series_empty_if_missing(run_dir, tag):  # hides a misspelled tag
    accumulator = EventAccumulator(str(run_dir), size_guidance={"scalars": 0})
    accumulator.Reload()
    if tag not in accumulator.Tags()["scalars"]:
        return [], []
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


def smooth_in_place(values, weight):  # right numbers, written over the caller's list
    last = 0.0
    for t in range(1, len(values) + 1):
        last = weight * last + (1 - weight) * values[t - 1]
        values[t - 1] = last / (1 - weight**t)
    return values


def smooth_tensor_elements(values, weight):  # a list of 0-d tensors
    import torch

    v = torch.tensor(values, dtype=torch.float64)
    last, smoothed = torch.tensor(0.0, dtype=torch.float64), []
    for t in range(1, len(v) + 1):
        last = weight * last + (1 - weight) * v[t - 1]
        smoothed.append(last / (1 - weight**t))
    return smoothed


def new_run_dir_reuses(root, hparams):  # exist_ok=True: the second run is written into the first
    path = Path(root) / ",".join(f"{k}={hparams[k]}" for k in sorted(hparams))
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_run_dir_unsorted(root, hparams):  # keys in insertion order
    name = ",".join(f"{k}={v}" for k, v in hparams.items())
    candidate, k = Path(root) / name, 2
    while candidate.exists():
        candidate, k = Path(root) / f"{name}_{k}", k + 1
    candidate.mkdir(parents=True)
    return candidate


def new_run_dir_suffix_one(root, hparams):  # the second run gets _1
    name = ",".join(f"{k}={hparams[k]}" for k in sorted(hparams))
    candidate, k = Path(root) / name, 1
    while candidate.exists():
        candidate, k = Path(root) / f"{name}_{k}", k + 1
    candidate.mkdir(parents=True)
    return candidate


def new_run_dir_count_matches(root, hparams):  # numbers by counting folders: breaks on a gap
    root = Path(root)
    name = ",".join(f"{k}={hparams[k]}" for k in sorted(hparams))
    count = len(list(root.glob(name + "*"))) if root.exists() else 0
    path = root / (name if count == 0 else f"{name}_{count + 1}")
    path.mkdir(parents=True)
    return path


def new_run_dir_not_created(root, hparams):  # returns the name but never creates the folder
    name = ",".join(f"{k}={hparams[k]}" for k in sorted(hparams))
    candidate, k = Path(root) / name, 2
    while candidate.exists():
        candidate, k = Path(root) / f"{name}_{k}", k + 1
    return candidate


def new_run_dir_no_parents(root, hparams):  # mkdir() without parents=True: root may not exist
    name = ",".join(f"{k}={hparams[k]}" for k in sorted(hparams))
    candidate, k = Path(root) / name, 2
    while candidate.exists():
        candidate, k = Path(root) / f"{name}_{k}", k + 1
    candidate.mkdir()
    return candidate


# --- correct answers written differently ---
def read_scalar_series_constants(run_dir, tag):  # the module's constants, sorted by step
    from tensorboard.backend.event_processing import event_accumulator as ea

    accumulator = ea.EventAccumulator(str(run_dir), size_guidance={ea.SCALARS: 0})
    accumulator.Reload()
    events = sorted(accumulator.Scalars(tag), key=lambda e: e.step)
    return tuple(e.step for e in events), tuple(float(e.value) for e in events)


def read_scalar_series_raw_files(run_dir, tag):  # every event file read record by record
    from tensorboard.backend.event_processing.event_file_loader import LegacyEventFileLoader

    points = {}
    for path in sorted(Path(run_dir).glob("events.out.tfevents.*")):
        for event in LegacyEventFileLoader(str(path)).Load():
            for value in event.summary.value:
                if value.tag == tag:
                    points[event.step] = value.simple_value
    if not points:
        raise KeyError(tag)
    steps = sorted(points)
    return steps, [points[s] for s in steps]


def smooth_weights_sum(values, weight):  # weighted sum over weighted count: the same average
    numerator = denominator = 0.0
    smoothed = []
    for value in values:
        numerator = weight * numerator + value
        denominator = weight * denominator + 1
        smoothed.append(numerator / denominator)
    return smoothed


def smooth_numpy(values, weight):  # NumPy loop, returns a list
    import numpy as np

    v = np.asarray(values, dtype=np.float64)
    m = np.zeros(len(v) + 1)
    for t in range(1, len(v) + 1):
        m[t] = weight * m[t - 1] + (1 - weight) * v[t - 1]
    t = np.arange(1, len(v) + 1)
    return list(m[1:] / (1 - weight**t))


def new_run_dir_try_mkdir(root, hparams):  # mkdir(exist_ok=False) until one succeeds
    import itertools

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    name = ",".join(f"{key}={value}" for key, value in sorted(hparams.items()))
    for k in itertools.count(1):
        path = root / (name if k == 1 else f"{name}_{k}")
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path


def new_run_dir_os(root, hparams):  # os.path and os.makedirs, returns a string
    import os

    name = ",".join("=".join((key, str(hparams[key]))) for key in sorted(hparams.keys()))
    path, k = os.path.join(str(root), name), 1
    while os.path.isdir(path):
        k += 1
        path = os.path.join(str(root), name + "_" + str(k))
    os.makedirs(path)
    return path


def recorded_steps(total_steps, *, wait, warmup, active, repeat=0, skip_first=0):
    cycle = wait + warmup + active
    steps = []
    for step in range(skip_first, total_steps):
        k = step - skip_first
        if repeat and k // cycle >= repeat:
            break
        if k % cycle >= wait + warmup:
            steps.append(step)
    return steps


def recorded_no_warmup(total_steps, *, wait, warmup, active, repeat=0, skip_first=0):
    cycle = wait + active  # forgets the warm-up steps
    return [
        s
        for s in range(skip_first, total_steps)
        if (s - skip_first) % cycle >= wait and not (repeat and (s - skip_first) // cycle >= repeat)
    ]


def recorded_ignores_repeat(total_steps, *, wait, warmup, active, repeat=0, skip_first=0):
    return recorded_steps(
        total_steps, wait=wait, warmup=warmup, active=active, skip_first=skip_first
    )


def recorded_ignores_skip_first(total_steps, *, wait, warmup, active, repeat=0, skip_first=0):
    return recorded_steps(total_steps, wait=wait, warmup=warmup, active=active, repeat=repeat)


def recorded_includes_warmup(total_steps, *, wait, warmup, active, repeat=0, skip_first=0):
    cycle = wait + warmup + active  # the warm-up steps are not in the results
    return [
        s
        for s in range(skip_first, total_steps)
        if (s - skip_first) % cycle >= wait and not (repeat and (s - skip_first) // cycle >= repeat)
    ]


def recorded_one_based(total_steps, *, wait, warmup, active, repeat=0, skip_first=0):
    steps = recorded_steps(
        total_steps, wait=wait, warmup=warmup, active=active, repeat=repeat, skip_first=skip_first
    )
    return [s + 1 for s in steps]  # counts steps from 1


def recorded_first_cycle_only(total_steps, *, wait, warmup, active, repeat=0, skip_first=0):
    start = skip_first + wait + warmup  # repeat=0 means "forever", not "once"
    return list(range(start, min(start + active, total_steps)))


def recorded_range(total_steps, *, wait, warmup, active, repeat=0, skip_first=0):
    import itertools  # cycle by cycle with ranges

    cycle = wait + warmup + active
    cycles = range(repeat) if repeat else itertools.count()
    steps = []
    for c in cycles:
        first = skip_first + c * cycle + wait + warmup
        if first >= total_steps:
            break
        steps.extend(range(first, min(first + active, total_steps)))
    return steps


def recorded_state_machine(total_steps, *, wait, warmup, active, repeat=0, skip_first=0):
    phases = ["none"] * wait + ["warmup"] * warmup + ["record"] * active  # one cycle
    out, done_cycles, position = [], 0, 0
    for step in range(total_steps):
        if step < skip_first or (repeat and done_cycles >= repeat):
            continue
        if phases[position] == "record":
            out.append(step)
        position += 1
        if position == len(phases):
            position, done_cycles = 0, done_cycles + 1
    return out


REFERENCE = {1: read_scalar_series, 2: smooth, 3: new_run_dir, 4: recorded_steps}
WRONG = {
    4: [
        recorded_no_warmup,
        recorded_ignores_repeat,
        recorded_ignores_skip_first,
        recorded_includes_warmup,
        recorded_one_based,
        recorded_first_cycle_only,
    ],
    1: [
        read_scalar_series_sampled,
        read_scalar_series_default_guidance,
        read_scalar_series_wall_time,
        read_scalar_series_first_file,
        read_scalar_series_float_steps,
        read_scalar_series_empty_if_missing,
    ],
    2: [
        smooth_no_debias,
        smooth_start_at_first,
        smooth_debias_off_by_one,
        smooth_in_place,
        smooth_tensor_elements,
    ],
    3: [
        new_run_dir_reuses,
        new_run_dir_unsorted,
        new_run_dir_suffix_one,
        new_run_dir_count_matches,
        new_run_dir_not_created,
        new_run_dir_no_parents,
    ],
}
ALTERNATIVES = {
    1: [read_scalar_series_constants, read_scalar_series_raw_files],
    2: [smooth_weights_sum, smooth_numpy],
    3: [new_run_dir_try_mkdir, new_run_dir_os],
    4: [recorded_range, recorded_state_machine],
}
