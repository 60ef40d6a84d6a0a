import numpy as np
import pytest

from aiotkit import simulate as S


def _series(n=300, seed=0):
    rng = np.random.default_rng(seed)
    return 100 + np.sin(np.arange(n) / 5) + 0.1 * rng.standard_normal(n)


def test_robust_scale_ignores_outliers():
    x = np.random.default_rng(0).standard_normal(10_000)
    assert S.robust_scale(x) == pytest.approx(1.0, abs=0.05)
    x[:100] = 1e6  # 1% wild outliers barely move it
    assert S.robust_scale(x) == pytest.approx(1.0, abs=0.06)
    assert S.robust_scale([5.0, 5.0, 5.0]) == 1.0


def test_single_fault_helpers_copy_and_modify():
    x = _series(50)
    before = x.copy()
    spiked = S.inject_spike(x, 10, -3.0)
    assert spiked[10] == pytest.approx(x[10] - 3.0)
    assert np.array_equal(np.delete(spiked, 10), np.delete(x, 10))
    stuck = S.inject_stuck(x, 5, 4)
    assert np.all(stuck[5:9] == x[5]) and stuck[9] == x[9]
    drifted = S.inject_drift(x, 20, 5, 2.0)
    assert np.allclose(drifted[20:25] - x[20:25], [0.4, 0.8, 1.2, 1.6, 2.0])
    assert np.array_equal(drifted[:20], x[:20]) and np.array_equal(drifted[25:], x[25:])
    assert np.array_equal(x, before), "the input must not be modified"


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda x: S.inject_stuck(x, 48, 5), ValueError),  # runs past the end
        (lambda x: S.inject_stuck(x, -1, 2), ValueError),
        (lambda x: S.inject_stuck(x, 3, 0), ValueError),
        (lambda x: S.inject_spike(x, 2.5, 1.0), TypeError),
        (lambda x: S.inject_drift(x[:, None], 0, 2, 1.0), ValueError),
        (lambda x: S.inject_spike(np.r_[x, np.nan], 0, 1.0), ValueError),
    ],
)
def test_single_fault_bad_input(call, error):
    with pytest.raises(error):
        call(_series(50))


def test_inject_faults_labels_and_values():
    x = _series(400)
    result = S.inject_faults(x, n_spikes=4, n_stuck=2, n_drift=1, seed=3)
    assert result.values.shape == x.shape and result.labels.dtype == np.int64
    counts = {k: int(result.mask(k).sum()) for k in S.FAULT_TYPES}
    assert counts == {"normal": 400 - 4 - 24 - 48, "spike": 4, "stuck": 24, "drift": 48}
    assert np.array_equal(result.values[result.labels == 0], x[result.labels == 0])
    assert len(result.segments) == 7 and result.is_fault.sum() == 76
    for kind, start, stop in result.segments:
        segment = result.values[start:stop]
        if kind == "stuck":
            assert np.all(segment == segment[0])
        elif kind == "spike":
            assert abs(segment[0] - x[start]) == pytest.approx(6.0 * result.scale)
        else:
            assert abs(segment[-1] - x[stop - 1]) == pytest.approx(6.0 * result.scale)
    starts = sorted((a, b) for _, a, b in result.segments)
    assert all(b1 + 6 <= a2 for (_, b1), (a2, _) in zip(starts, starts[1:], strict=False))


def test_inject_faults_is_seeded_and_respects_protect():
    x = _series(300)
    a = S.inject_faults(x, seed=1)
    b = S.inject_faults(x, seed=1)
    c = S.inject_faults(x, seed=2)
    assert np.array_equal(a.values, b.values) and a.segments == b.segments
    assert a.segments != c.segments
    protect = np.zeros(300, dtype=bool)
    protect[:150] = True
    d = S.inject_faults(x, n_spikes=3, protect=protect, seed=0)
    assert not d.is_fault[:156].any() and d.is_fault.sum() == 3 + 12 + 48


def test_inject_faults_bad_input():
    x = _series(120)
    with pytest.raises(ValueError, match="빈 자리"):
        S.inject_faults(x, n_drift=3, drift_length=48)
    with pytest.raises(ValueError):
        S.inject_faults(x, n_spikes=-1)
    with pytest.raises(ValueError):
        S.inject_faults(x, spike_size=0.0)
    with pytest.raises(ValueError):
        S.inject_faults(x, stuck_length=1)
    with pytest.raises(ValueError):
        S.inject_faults(x, protect=np.zeros(10, dtype=bool))
    with pytest.raises(ValueError):
        S.inject_faults(x, scale=-1.0)
    with pytest.raises(ValueError, match="kind"):
        S.inject_faults(x, n_drift=0).mask("glitch")


def test_machine_sound_shape_range_and_seed():
    clip = S.machine_sound("normal", duration=0.5, sample_rate=16000, seed=0)
    assert clip.shape == (8000,) and clip.dtype == np.float32
    assert np.abs(clip).max() <= 1.0 and clip.std() > 0.01
    assert np.array_equal(clip, S.machine_sound("normal", duration=0.5, seed=0))
    assert not np.array_equal(clip, S.machine_sound("normal", duration=0.5, seed=1))
    batch = S.machine_sounds(3, "bearing", duration=0.25, seed=7)
    assert batch.shape == (3, 4000)
    assert np.array_equal(batch, S.machine_sounds(3, "bearing", duration=0.25, seed=7))
    assert not np.array_equal(batch[0], batch[1])


def _band_energy(clip, lo, hi, sr=16000):
    spectrum = np.abs(np.fft.rfft(clip)) ** 2
    freqs = np.fft.rfftfreq(len(clip), 1 / sr)
    return spectrum[(freqs >= lo) & (freqs < hi)].sum() / spectrum.sum()


def test_machine_sound_faults_change_what_they_say():
    normal = S.machine_sounds(8, "normal", seed=0)
    bearing = S.machine_sounds(8, "bearing", seed=0)
    noise = S.machine_sounds(8, "noise", seed=0)
    imbalance = S.machine_sounds(8, "imbalance", seed=0)
    high = [np.mean([_band_energy(c, 3000, 5000) for c in g]) for g in (normal, bearing)]
    assert high[1] > 1.3 * high[0], "bearing impulses ring at 3-5 kHz"
    hiss = [np.mean([_band_energy(c, 6000, 8000) for c in g]) for g in (normal, noise)]
    assert hiss[1] > 3 * hiss[0], "more broadband noise"

    def fundamental(c):
        spectrum = np.abs(np.fft.rfft(c))
        freqs = np.fft.rfftfreq(len(c), 1 / 16000)
        band = (freqs > 80) & (freqs < 200)
        return freqs[band][np.argmax(spectrum[band])]

    assert all(110 <= fundamental(c) <= 130 for c in normal)
    assert all(fundamental(c) > 118 for c in imbalance)
    assert np.mean([fundamental(c) for c in imbalance]) > 1.07 * np.mean(
        [fundamental(c) for c in normal]
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "squeak"},
        {"kind": "normal", "duration": 0},
        {"kind": "normal", "sample_rate": 4000},
        {"kind": "normal", "sample_rate": 16000.0},
    ],
)
def test_machine_sound_bad_input(kwargs):
    kind = kwargs.pop("kind")
    with pytest.raises(ValueError):
        S.machine_sound(kind, **kwargs)


def test_machine_sounds_bad_count():
    with pytest.raises(ValueError, match="n"):
        S.machine_sounds(0)
