"""Sample generators: structure of the Saltelli and Morris designs."""

import numpy as np
import pytest

from schoolsim.designs import morris_sample, saltelli_sample

BOUNDS = [(0.0, 1.0), (-2.0, 2.0), (10.0, 20.0)]


def test_saltelli_blocks():
    s = saltelli_sample(16, BOUNDS, seed=3)
    assert s.X.shape == (16 * 5, 3)
    assert np.bincount(s.block).tolist() == [16] * 5
    a, b = s.rows(0), s.rows(1)
    for i in range(3):
        ab = s.rows(2 + i)
        np.testing.assert_array_equal(ab[:, i], b[:, i])
        np.testing.assert_array_equal(np.delete(ab, i, axis=1), np.delete(a, i, axis=1))
    np.testing.assert_array_equal(s.index[s.block == 3], np.arange(16))
    lo, hi = np.array(BOUNDS).T
    assert np.all((s.X >= lo) & (s.X <= hi))


def test_saltelli_is_seeded():
    np.testing.assert_array_equal(saltelli_sample(8, BOUNDS, seed=1).X, saltelli_sample(8, BOUNDS, seed=1).X)
    assert not np.array_equal(saltelli_sample(8, BOUNDS, seed=1).X, saltelli_sample(8, BOUNDS, seed=2).X)


def test_morris_trajectories_move_one_factor_by_delta():
    s = morris_sample(10, BOUNDS, levels=4, seed=0)
    assert s.X.shape == (10 * 4, 3) and s.delta == pytest.approx(2 / 3)
    span = np.array([hi - lo for lo, hi in BOUNDS])
    unit = (s.X - np.array(BOUNDS)[:, 0]) / span
    np.testing.assert_allclose(unit * 3, np.round(unit * 3), atol=1e-12)  # on the 4-level grid
    for t in range(10):
        traj = unit[s.trajectory == t]
        steps = np.diff(traj, axis=0)
        moved = np.abs(steps) > 1e-12
        assert moved.sum(axis=1).tolist() == [1, 1, 1]
        assert sorted(np.flatnonzero(moved) % 3) == [0, 1, 2]  # every factor once
        np.testing.assert_allclose(np.abs(steps[moved]), s.delta)


def test_bad_arguments():
    with pytest.raises(ValueError, match="even"):
        morris_sample(4, BOUNDS, levels=3)
    with pytest.raises(ValueError, match="min < max"):
        saltelli_sample(8, [(1.0, 0.0)])
