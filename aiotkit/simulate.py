"""Simulators for signals that no offline data set ships, each seeded and documented.

Two families:

- **Sensor faults injected into a real series** (:func:`inject_faults` and the single-fault
  helpers :func:`inject_spike`, :func:`inject_stuck`, :func:`inject_drift`). The faulty series
  comes back together with a per-point label, so detectors can be scored per fault type.
- **Machine sounds** (:func:`machine_sound`, :func:`machine_sounds`): a rotating machine's hum
  with harmonics and background noise, and three faults known by construction (a bearing-defect
  impulse train, an imbalance that shifts and strengthens the fundamental, extra broadband noise).

Everything here is *simulated*; notebooks that use it say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "FAULT_TYPES",
    "SOUND_KINDS",
    "FaultInjection",
    "inject_drift",
    "inject_faults",
    "inject_spike",
    "inject_stuck",
    "machine_sound",
    "machine_sounds",
    "robust_scale",
]

FAULT_TYPES: tuple[str, ...] = ("normal", "spike", "stuck", "drift")
"""Label meanings of :class:`FaultInjection`: ``labels == i`` means ``FAULT_TYPES[i]``."""

SOUND_KINDS: tuple[str, ...] = ("normal", "bearing", "imbalance", "noise")
"""Kinds of clip :func:`machine_sound` can make."""


# ----------------------------------------------------------------------------- sensor faults


def _as_series(values: Sequence[float] | np.ndarray, name: str = "values") -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"{name}는 비어 있지 않은 1차원 시계열이어야 합니다 (got shape {arr.shape})"
        )
    if not np.isfinite(arr).all():
        raise ValueError(f"{name}에 NaN/inf가 있습니다; 먼저 결측값을 처리하세요.")
    return arr


def _check_segment(n: int, start: int, length: int) -> None:
    if isinstance(start, bool) or not isinstance(start, (int, np.integer)):
        raise TypeError(f"start는 정수여야 합니다 (got {type(start).__name__})")
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 1:
        raise ValueError(f"length는 1 이상의 정수여야 합니다 (got {length!r})")
    if not 0 <= start or start + length > n:
        raise ValueError(
            f"구간 [{start}, {start + length})이 시계열 길이 {n}을 벗어납니다; "
            "start와 length를 줄이세요."
        )


def robust_scale(values: Sequence[float] | np.ndarray) -> float:
    """A spread estimate that ignores outliers: ``1.4826 * median(|x - median(x)|)``.

    For Gaussian data this equals the standard deviation. Falls back to the standard
    deviation when the MAD is zero, and to 1.0 for a constant series.
    """
    arr = _as_series(values)
    mad = 1.4826 * float(np.median(np.abs(arr - np.median(arr))))
    if mad > 0:
        return mad
    std = float(arr.std())
    return std if std > 0 else 1.0


def inject_spike(values: Sequence[float] | np.ndarray, index: int, size: float) -> np.ndarray:
    """Return a copy of ``values`` with ``size`` added at one point (a spike; ``size`` may be
    negative), e.g. an electrical glitch or a bit error in transmission."""
    out = _as_series(values).copy()
    _check_segment(len(out), index, 1)
    out[index] += float(size)
    return out


def inject_stuck(values: Sequence[float] | np.ndarray, start: int, length: int) -> np.ndarray:
    """Return a copy in which ``values[start : start+length]`` all repeat ``values[start]``
    (a stuck-at fault: the sensor or its logger freezes on the last good reading)."""
    out = _as_series(values).copy()
    _check_segment(len(out), start, length)
    out[start : start + length] = out[start]
    return out


def inject_drift(
    values: Sequence[float] | np.ndarray, start: int, length: int, size: float
) -> np.ndarray:
    """Return a copy with a linear ramp added over ``[start, start+length)``: 0 at ``start``
    growing to ``size`` at the last point (calibration drift, then a recalibration)."""
    out = _as_series(values).copy()
    _check_segment(len(out), start, length)
    out[start : start + length] += np.linspace(0.0, float(size), length + 1)[1:]
    return out


@dataclass(frozen=True)
class FaultInjection:
    """The result of :func:`inject_faults`.

    Attributes:
        values: the faulty series, float64, same length as the input.
        labels: int64 per point, an index into :data:`FAULT_TYPES` (0 = normal).
        segments: ``(kind, start, stop)`` for every injected fault, in time order.
        scale: the unit (in the series' units) that the fault sizes were multiplied by.
    """

    values: np.ndarray
    labels: np.ndarray
    segments: tuple[tuple[str, int, int], ...]
    scale: float

    @property
    def is_fault(self) -> np.ndarray:
        """Boolean mask of faulty points (any type)."""
        return self.labels > 0

    def mask(self, kind: str) -> np.ndarray:
        """Boolean mask of the points that carry fault ``kind`` (one of :data:`FAULT_TYPES`)."""
        if kind not in FAULT_TYPES:
            raise ValueError(f"kind는 {FAULT_TYPES} 중 하나여야 합니다 (got {kind!r})")
        return self.labels == FAULT_TYPES.index(kind)


def _place(
    plan: list[str], lengths: dict[str, int], blocked: np.ndarray, gap: int, rng
) -> list[tuple[str, int, int]] | None:
    """Place each fault of ``plan`` at a random free start; None when one does not fit."""
    n = len(blocked)
    blocked = blocked.copy()
    segments: list[tuple[str, int, int]] = []
    for kind in plan:
        length = lengths[kind]
        if length > n:
            return None
        # allowed starts: the segment plus `gap` points on both sides are all free
        window = np.ones(length + 2 * gap, dtype=int)
        padded = np.convolve(blocked.astype(int), window, "full")
        starts = np.flatnonzero(padded[gap + length - 1 : gap + n] == 0)
        if len(starts) == 0:
            return None
        start = int(rng.choice(starts))
        segments.append((kind, start, start + length))
        blocked[max(0, start - gap) : start + length + gap] = True
    return segments


def inject_faults(
    values: Sequence[float] | np.ndarray,
    *,
    n_spikes: int = 5,
    n_stuck: int = 1,
    n_drift: int = 1,
    spike_size: float = 6.0,
    stuck_length: int = 12,
    drift_length: int = 48,
    drift_size: float = 6.0,
    scale: float | None = None,
    protect: Sequence[bool] | np.ndarray | None = None,
    gap: int = 6,
    seed: int = 0,
) -> FaultInjection:
    """Inject spike, stuck-at and drift faults at random, non-overlapping places.

    Sizes are in units of ``scale`` (default :func:`robust_scale` of ``values``): a spike adds
    ``±spike_size * scale`` (random sign) at one point; a stuck-at fault freezes
    ``stuck_length`` points; a drift adds a ramp reaching ``±drift_size * scale`` (random sign)
    over ``drift_length`` points. Faults keep at least ``gap`` normal points between them, and
    none touches a point where ``protect`` is True (e.g. real events you want to keep apart).

    Returns:
        A :class:`FaultInjection` with the faulty values and per-point labels.

    Raises:
        ValueError: NaNs in ``values``, negative counts, non-positive sizes or lengths, a
            ``protect`` mask of the wrong length, or not enough room for the faults.
    """
    clean = _as_series(values)
    n = len(clean)
    for name, count in (("n_spikes", n_spikes), ("n_stuck", n_stuck), ("n_drift", n_drift)):
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 0:
            raise ValueError(f"{name}는 0 이상의 정수여야 합니다 (got {count!r})")
    for name, length in (("stuck_length", stuck_length), ("drift_length", drift_length)):
        if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 2:
            raise ValueError(f"{name}는 2 이상의 정수여야 합니다 (got {length!r})")
    if spike_size <= 0 or drift_size <= 0:
        raise ValueError(
            f"spike_size와 drift_size는 양수여야 합니다 (got {spike_size}, {drift_size}); "
            "방향(부호)은 무작위로 정해집니다."
        )
    if gap < 0:
        raise ValueError(f"gap은 0 이상이어야 합니다 (got {gap})")
    unit = robust_scale(clean) if scale is None else float(scale)
    if not np.isfinite(unit) or unit <= 0:
        raise ValueError(f"scale은 양수여야 합니다 (got {scale})")
    blocked = np.zeros(n, dtype=bool)
    if protect is not None:
        protect_mask = np.asarray(protect, dtype=bool).reshape(-1)
        if len(protect_mask) != n:
            raise ValueError(f"protect 길이 {len(protect_mask)}가 values 길이 {n}과 다릅니다")
        blocked |= protect_mask

    rng = np.random.default_rng(seed)
    plan = ["drift"] * n_drift + ["stuck"] * n_stuck + ["spike"] * n_spikes  # longest first
    lengths = {"drift": drift_length, "stuck": stuck_length, "spike": 1}
    segments = None
    for _attempt in range(50):  # random placement can fragment the free space: retry
        segments = _place(plan, lengths, blocked, gap, rng)
        if segments is not None:
            break
    if segments is None:
        raise ValueError(
            f"시계열(길이 {n}, 보호되지 않은 점 {int((~blocked).sum())}개)에 결함을 넣을 빈 자리가 "
            "없습니다; 결함 수나 길이, gap을 줄이세요."
        )

    faulty = clean.copy()
    labels = np.zeros(n, dtype=np.int64)
    for kind, start, stop in sorted(segments, key=lambda s: s[1]):
        sign = 1.0 if rng.random() < 0.5 else -1.0
        if kind == "spike":
            faulty = inject_spike(faulty, start, sign * spike_size * unit)
        elif kind == "stuck":
            faulty = inject_stuck(faulty, start, stop - start)
        else:
            faulty = inject_drift(faulty, start, stop - start, sign * drift_size * unit)
        labels[start:stop] = FAULT_TYPES.index(kind)
    return FaultInjection(
        values=faulty,
        labels=labels,
        segments=tuple(sorted(segments, key=lambda s: s[1])),
        scale=unit,
    )


# ----------------------------------------------------------------------------- machine sounds


def _check_sound_args(kind: str, duration: float, sample_rate: int) -> None:
    if kind not in SOUND_KINDS:
        raise ValueError(f"kind는 {SOUND_KINDS} 중 하나여야 합니다 (got {kind!r})")
    if not duration > 0:
        raise ValueError(f"duration(초)은 양수여야 합니다 (got {duration})")
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or sample_rate < 8000:
        raise ValueError(
            f"sample_rate는 8000 이상의 정수(Hz)여야 합니다 (got {sample_rate!r}); 보통 16000."
        )


def _machine_sound(kind: str, duration: float, sample_rate: int, rng: np.random.Generator):
    t = np.arange(int(round(duration * sample_rate))) / sample_rate
    # --- the normal machine: hum at f0 with 10 harmonics, slow amplitude modulation, noise
    f0 = rng.uniform(110.0, 130.0)  # rotation-related fundamental, varies ±8% between clips
    amplitudes = rng.uniform(0.7, 1.3, size=10) / np.arange(1, 11)
    if kind == "imbalance":
        # imbalance: the machine runs off-speed and the 1x component is much stronger
        f0 *= rng.uniform(1.08, 1.16)
        amplitudes[0] *= rng.uniform(1.5, 2.5)
    phases = rng.uniform(0, 2 * np.pi, size=10)
    hum = sum(
        a * np.sin(2 * np.pi * f0 * k * t + p)
        for k, (a, p) in enumerate(zip(amplitudes, phases, strict=True), start=1)
    )
    modulation = 1.0 + 0.1 * np.sin(2 * np.pi * rng.uniform(0.5, 2.0) * t + rng.uniform(0, 6.3))
    signal = hum * modulation
    signal = signal / np.sqrt(np.mean(signal**2))  # unit RMS hum
    noise_level = rng.uniform(0.05, 0.1)
    if kind == "noise":
        noise_level *= rng.uniform(
            2.0, 3.0
        )  # +6 to +10 dB broadband noise (loose part, cavitation)
    signal = signal + noise_level * rng.standard_normal(len(t))
    if kind == "bearing":
        # bearing defect: a train of short resonant impulses (3-5 kHz ring, 1-2 ms decay)
        rate = rng.uniform(8.0, 14.0)  # impulses per second
        resonance = rng.uniform(3000.0, 5000.0)
        tau = rng.uniform(0.001, 0.002)
        ring_t = np.arange(int(8 * tau * sample_rate)) / sample_rate
        ring = np.exp(-ring_t / tau) * np.sin(2 * np.pi * resonance * ring_t)
        impulses = np.zeros(len(t))
        first = rng.uniform(0, 1 / rate)
        for onset in np.arange(first, duration, 1 / rate):
            i = int(onset * sample_rate)
            impulses[i : i + len(ring)] += ring[: len(t) - i] * rng.uniform(0.7, 1.0)
        signal = signal + rng.uniform(0.4, 0.8) * impulses
    gain = rng.uniform(0.08, 0.12)  # microphone distance / gain varies between recordings
    return np.clip(gain * signal, -1.0, 1.0).astype(np.float32)


def machine_sound(
    kind: str = "normal", *, duration: float = 1.0, sample_rate: int = 16000, seed: int = 0
) -> np.ndarray:
    """One simulated machine-sound clip, float32 in [-1, 1], shape ``(duration*sample_rate,)``.

    The normal machine is a hum: fundamental f0 drawn from 110-130 Hz with 10 harmonics
    (amplitudes about 1/k), a slow 0.5-2 Hz amplitude modulation, white background noise at
    5-10% of the hum's RMS, and a random overall gain (0.08-0.12). Faults, known by
    construction:

    - ``"bearing"``: plus a train of 8-14 impulses per second, each a 3-5 kHz resonance
      decaying in 1-2 ms (a defect on a bearing race hit by the rolling elements);
    - ``"imbalance"``: the fundamental moves 15-30% up (off-speed) and its 1x component is
      2.5-3.5 times stronger;
    - ``"noise"``: the broadband noise is 3-5 times (about +10 to +14 dB) louder.

    Raises:
        ValueError: unknown ``kind``, non-positive ``duration``, or ``sample_rate`` < 8000.
    """
    _check_sound_args(kind, duration, sample_rate)
    return _machine_sound(kind, duration, sample_rate, np.random.default_rng(seed))


def machine_sounds(
    n: int,
    kind: str = "normal",
    *,
    duration: float = 1.0,
    sample_rate: int = 16000,
    seed: int = 0,
) -> np.ndarray:
    """``n`` independent clips of one ``kind`` (see :func:`machine_sound`), float32 of shape
    ``(n, duration*sample_rate)``; the same ``seed`` gives the same clips.

    Raises:
        ValueError: ``n`` < 1, or the arguments :func:`machine_sound` rejects.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n(클립 수)은 1 이상의 정수여야 합니다 (got {n!r})")
    _check_sound_args(kind, duration, sample_rate)
    # one child generator per clip, derived from (seed, kind) so kinds do not share noise
    root = np.random.SeedSequence([seed, SOUND_KINDS.index(kind)])
    return np.stack(
        [
            _machine_sound(kind, duration, sample_rate, np.random.default_rng(child))
            for child in root.spawn(int(n))
        ]
    )
