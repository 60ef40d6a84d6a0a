"""Reference, wrong and alternative answers for aiot_applications/02 (anomaly detection)."""

import numpy as np
import torch


def threshold_from_normal(normal_scores, false_alarm_rate):
    scores = np.asarray(normal_scores, dtype=float)
    if scores.size == 0 or not 0 < false_alarm_rate < 1:
        raise ValueError("need scores and 0 < false_alarm_rate < 1")
    return float(np.percentile(scores, 100 * (1 - false_alarm_rate)))


def precision_recall_f1(labels, scores, threshold):
    positive = np.asarray(labels) == 1
    alarm = np.asarray(scores) > threshold
    hits = np.sum(alarm & positive)
    precision = hits / alarm.sum() if alarm.any() else 0.0
    recall = hits / positive.sum() if positive.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return float(precision), float(recall), float(f1)


def inject_stuck_at(values, start, length):
    values = np.asarray(values, dtype=float)
    if length < 1 or start < 0 or start + length > len(values):
        raise ValueError("segment outside the series")
    faulty = values.copy()
    faulty[start : start + length] = values[start]
    labels = np.zeros(len(values), dtype=int)
    labels[start : start + length] = 1
    return faulty, labels


def flat_line_flags(values, run_length):
    values = np.asarray(values)
    if run_length < 1:
        raise ValueError("run_length must be at least 1")
    flags = np.zeros(len(values), dtype=bool)
    for t in range(run_length - 1, len(values)):
        flags[t] = np.all(values[t - run_length + 1 : t + 1] == values[t])
    return flags


# --- plausible wrong answers: exercise 1 ---
def threshold_wrong_tail(normal_scores, false_alarm_rate):  # the lower tail
    scores = np.asarray(normal_scores, dtype=float)
    if scores.size == 0 or not 0 < false_alarm_rate < 1:
        raise ValueError
    return float(np.percentile(scores, 100 * false_alarm_rate))


def threshold_max(normal_scores, false_alarm_rate):  # no false alarms at all, ignores the rate
    scores = np.asarray(normal_scores, dtype=float)
    if scores.size == 0 or not 0 < false_alarm_rate < 1:
        raise ValueError
    return float(scores.max())


def threshold_kth_largest(normal_scores, false_alarm_rate):  # k-th largest itself: only k-1 above
    if len(normal_scores) == 0 or not 0 < false_alarm_rate < 1:
        raise ValueError
    k = max(int(false_alarm_rate * len(normal_scores)), 1)
    return float(np.sort(normal_scores)[-k])


def threshold_sorts_in_place(normal_scores, false_alarm_rate):  # sorts the caller's array
    if len(normal_scores) == 0 or not 0 < false_alarm_rate < 1:
        raise ValueError
    normal_scores.sort()
    k = round(false_alarm_rate * len(normal_scores))
    return float(normal_scores[len(normal_scores) - k - 1])


def threshold_tensor(normal_scores, false_alarm_rate):  # torch.quantile gives a tensor
    scores = torch.as_tensor(normal_scores, dtype=torch.float64)
    if scores.numel() == 0 or not 0 < false_alarm_rate < 1:
        raise ValueError
    return torch.quantile(scores, 1 - false_alarm_rate)


def threshold_mean_plus_std(normal_scores, false_alarm_rate):  # assumes a normal distribution
    scores = np.asarray(normal_scores, dtype=float)
    if scores.size == 0 or not 0 < false_alarm_rate < 1:
        raise ValueError
    from scipy.stats import norm

    return float(scores.mean() + norm.ppf(1 - false_alarm_rate) * scores.std())


# --- exercise 2 ---
def prf_greater_equal(labels, scores, threshold):  # alarm at score == threshold too
    positive = np.asarray(labels) == 1
    alarm = np.asarray(scores) >= threshold
    hits = np.sum(alarm & positive)
    precision = hits / alarm.sum() if alarm.any() else 0.0
    recall = hits / positive.sum() if positive.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return float(precision), float(recall), float(f1)


def prf_swapped(labels, scores, threshold):  # precision and recall swapped
    p, r, f = precision_recall_f1(labels, scores, threshold)
    return r, p, f


def prf_sklearn(labels, scores, threshold):  # breaks the rule: sklearn does the counting
    from sklearn.metrics import f1_score, precision_score, recall_score

    alarm = np.asarray(scores) > threshold
    return (
        float(precision_score(labels, alarm, zero_division=0)),
        float(recall_score(labels, alarm, zero_division=0)),
        float(f1_score(labels, alarm, zero_division=0)),
    )


def prf_no_zero_guard(labels, scores, threshold):  # 0/0 gives nan when there is no alarm
    positive = np.asarray(labels) == 1
    alarm = np.asarray(scores) > threshold
    hits = np.sum(alarm & positive)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = hits / alarm.sum()
        recall = hits / positive.sum()
        f1 = 2 * precision * recall / (precision + recall)
    return float(precision), float(recall), float(f1)


def prf_mean_f1(labels, scores, threshold):  # F1 is the harmonic mean, not the arithmetic mean
    p, r, _ = precision_recall_f1(labels, scores, threshold)
    return p, r, (p + r) / 2


def prf_accuracy_as_precision(labels, scores, threshold):  # counts correct normals too
    y = np.asarray(labels)
    alarm = (np.asarray(scores) > threshold).astype(int)
    _, r, _ = precision_recall_f1(labels, scores, threshold)
    p = float(np.mean(alarm == y))
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return p, r, f1


def prf_tensors(labels, scores, threshold):  # returns 0-d tensors
    y = torch.as_tensor(labels) == 1
    alarm = torch.as_tensor(scores) > threshold
    hits = (y & alarm).sum().double()
    p = hits / alarm.sum() if alarm.any() else torch.tensor(0.0)
    r = hits / y.sum() if y.any() else torch.tensor(0.0)
    f = 2 * p * r / (p + r) if p + r > 0 else torch.tensor(0.0)
    return p, r, f


# --- exercise 3 ---
def stuck_modifies_input(values, start, length):  # writes into the caller's array
    if length < 1 or start < 0 or start + length > len(values):
        raise ValueError
    values[start : start + length] = values[start]
    labels = np.zeros(len(values), dtype=int)
    labels[start : start + length] = 1
    return values, labels


def stuck_uses_previous_value(values, start, length):  # freezes on values[start - 1]
    values = np.asarray(values, dtype=float)
    if length < 1 or start < 0 or start + length > len(values):
        raise ValueError
    faulty = values.copy()
    faulty[start : start + length] = values[max(start - 1, 0)]
    labels = np.zeros(len(values), dtype=int)
    labels[start : start + length] = 1
    return faulty, labels


def stuck_float_labels(values, start, length):  # np.zeros gives float labels
    faulty = np.array(values, dtype=float)
    if length < 1 or start < 0 or start + length > len(values):
        raise ValueError
    faulty[start : start + length] = values[start]
    labels = np.zeros(len(values))
    labels[start : start + length] = 1
    return faulty, labels


def stuck_bool_labels(values, start, length):  # bool labels where integers are asked
    faulty = np.array(values, dtype=float)
    if length < 1 or start < 0 or start + length > len(values):
        raise ValueError
    faulty[start : start + length] = values[start]
    labels = np.zeros(len(values), dtype=bool)
    labels[start : start + length] = True
    return faulty, labels


def stuck_no_bounds_check(values, start, length):  # slicing clips silently past the end
    if length < 1:
        raise ValueError
    faulty = np.array(values, dtype=float)
    faulty[start : start + length] = values[start]
    labels = np.zeros(len(values), dtype=int)
    labels[start : start + length] = 1
    return faulty, labels


def stuck_one_too_long(values, start, length):  # the segment includes start + length
    faulty = np.array(values, dtype=float)
    if length < 1 or start < 0 or start + length > len(values):
        raise ValueError
    faulty[start : start + length + 1] = values[start]
    labels = np.zeros(len(values), dtype=int)
    labels[start : start + length + 1] = 1
    return faulty, labels


# --- exercise 4 ---
def flat_marks_whole_run(values, run_length):  # also flags the first points of a long run
    values = np.asarray(values)
    if run_length < 1:
        raise ValueError
    flags = flat_line_flags(values, run_length)
    for t in np.flatnonzero(flags):
        flags[t - run_length + 1 : t + 1] = True
    return flags


def flat_off_by_one(values, run_length):  # needs run_length + 1 equal values
    return flat_line_flags(values, run_length + 1)


def flat_int_flags(values, run_length):  # 0/1 integers instead of bool
    return flat_line_flags(values, run_length).astype(int)


def flat_short_prefix(values, run_length):  # the first points compare fewer values
    if run_length < 1:
        raise ValueError
    flags = np.zeros(len(values), dtype=bool)
    for t in range(len(values)):
        flags[t] = np.all(values[max(0, t - run_length + 1) : t + 1] == values[t])
    return flags


def flat_isclose(values, run_length):  # "almost equal" counts as equal
    values = np.asarray(values)
    if run_length < 1:
        raise ValueError
    flags = np.zeros(len(values), dtype=bool)
    for t in range(run_length - 1, len(values)):
        flags[t] = np.allclose(values[t - run_length + 1 : t + 1], values[t])
    return flags


def flat_sliding_view(values, run_length):  # crashes when values is shorter than one run
    if run_length < 1:
        raise ValueError
    view = np.lib.stride_tricks.sliding_window_view(values, run_length)
    flags = np.zeros(len(values), dtype=bool)
    flags[run_length - 1 :] = np.all(view == view[:, -1:], axis=1)
    return flags


# --- correct alternatives ---
def threshold_sorted_neighbour(normal_scores, false_alarm_rate):  # midpoint between neighbours
    if len(normal_scores) == 0 or not 0 < false_alarm_rate < 1:
        raise ValueError
    s = np.sort(normal_scores)
    k = int(false_alarm_rate * len(s))  # this many scores must lie above
    upper = s[len(s) - k] if k > 0 else s[-1] + 1.0
    return float((s[len(s) - k - 1] + upper) / 2)


def threshold_quantile_lower(normal_scores, false_alarm_rate):
    if np.size(normal_scores) == 0 or false_alarm_rate <= 0 or false_alarm_rate >= 1:
        raise ValueError
    return np.quantile(normal_scores, 1 - false_alarm_rate, method="lower")


def threshold_torch_item(normal_scores, false_alarm_rate):
    scores = torch.as_tensor(np.asarray(normal_scores), dtype=torch.float64)
    if scores.numel() == 0 or not 0 < false_alarm_rate < 1:
        raise ValueError
    return torch.quantile(scores, 1 - false_alarm_rate).item()


def prf_loop(labels, scores, threshold):
    tp = fp = fn = 0
    for y, s in zip(labels, scores, strict=True):
        alarm = s > threshold
        tp += int(alarm and y == 1)
        fp += int(alarm and y != 1)
        fn += int(not alarm and y == 1)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return precision, recall, f1


def prf_torch(labels, scores, threshold):
    y = torch.as_tensor(labels) == 1
    alarm = torch.as_tensor(scores) > threshold
    tp = (y & alarm).sum().item()
    precision = tp / alarm.sum().item() if alarm.any() else 0.0
    recall = tp / y.sum().item() if y.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)


def stuck_where(values, start, length):
    n = len(values)
    if length < 1 or start < 0 or start + length > n:
        raise ValueError
    inside = (np.arange(n) >= start) & (np.arange(n) < start + length)
    return np.where(inside, values[start], values), inside.astype(np.int64)


def stuck_concatenate(values, start, length):
    if not (length >= 1 and 0 <= start and start + length <= len(values)):
        raise ValueError
    faulty = np.concatenate(
        [values[:start], np.full(length, values[start]), values[start + length :]]
    )
    labels = np.array([int(start <= i < start + length) for i in range(len(values))])
    return faulty, labels


def flat_run_counter(values, run_length):
    if run_length < 1:
        raise ValueError
    flags = np.zeros(len(values), dtype=bool)
    run = 0
    for t in range(len(values)):
        run = run + 1 if t > 0 and values[t] == values[t - 1] else 1
        flags[t] = run >= run_length
    return flags


def flat_vectorised(values, run_length):
    if run_length < 1:
        raise ValueError
    values = np.asarray(values)
    flags = np.zeros(len(values), dtype=bool)
    if len(values) >= run_length:
        view = np.lib.stride_tricks.sliding_window_view(values, run_length)
        flags[run_length - 1 :] = (view == view[:, :1]).all(axis=1)
    return flags


REFERENCE = {
    1: threshold_from_normal,
    2: precision_recall_f1,
    3: inject_stuck_at,
    4: flat_line_flags,
}
WRONG = {
    1: [
        threshold_wrong_tail,
        threshold_max,
        threshold_kth_largest,
        threshold_sorts_in_place,
        threshold_tensor,
        threshold_mean_plus_std,
    ],
    2: [
        prf_greater_equal,
        prf_swapped,
        prf_sklearn,
        prf_no_zero_guard,
        prf_mean_f1,
        prf_accuracy_as_precision,
        prf_tensors,
    ],
    3: [
        stuck_modifies_input,
        stuck_uses_previous_value,
        stuck_float_labels,
        stuck_bool_labels,
        stuck_no_bounds_check,
        stuck_one_too_long,
    ],
    4: [
        flat_marks_whole_run,
        flat_off_by_one,
        flat_int_flags,
        flat_short_prefix,
        flat_isclose,
        flat_sliding_view,
    ],
}
ALTERNATIVES = {
    1: [threshold_sorted_neighbour, threshold_quantile_lower, threshold_torch_item],
    2: [prf_loop, prf_torch],
    3: [stuck_where, stuck_concatenate],
    4: [flat_run_counter, flat_vectorised],
}
