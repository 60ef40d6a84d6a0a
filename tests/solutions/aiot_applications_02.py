"""Reference solutions for aiot_applications/02 (anomaly detection)."""

import numpy as np


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


# --- plausible wrong answers ---
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


REFERENCE = {
    1: threshold_from_normal,
    2: precision_recall_f1,
    3: inject_stuck_at,
    4: flat_line_flags,
}
WRONG = {
    1: [threshold_wrong_tail, threshold_max],
    2: [prf_greater_equal, prf_swapped],
    3: [stuck_modifies_input, stuck_uses_previous_value],
    4: [flat_marks_whole_run, flat_off_by_one],
}
