"""Sample designs for sensitivity analysis: Saltelli (A, B, AB_k) and Morris trajectories.

Both draw their base points from a scrambled Sobol sequence (``scipy.stats.qmc.Sobol``)
with a seed, so a design is reproducible from ``(n, bounds, seed)``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.stats import qmc


@dataclass(frozen=True)
class SaltelliSample:
    """A Saltelli design of ``n`` base samples over ``k`` parameters.

    Attributes:
        X: Points, shape ``(n * (k + 2), k)``, in parameter units; blocks in the order
            A, B, AB_0, ..., AB_{k-1}, each of ``n`` rows.
        block: Block of each row: 0 = A, 1 = B, 2 + i = AB_i (A with column i from B).
        index: Base sample index (0..n-1) of each row.
    """

    X: np.ndarray
    block: np.ndarray
    index: np.ndarray

    def rows(self, block):
        """Returns the points of one block, ordered by base sample index."""
        return self.X[self.block == block]


@dataclass(frozen=True)
class MorrisSample:
    """Morris trajectories: ``r`` trajectories of ``k + 1`` points each.

    Attributes:
        X: Points, shape ``(r * (k + 1), k)``, in parameter units.
        trajectory: Trajectory of each row (0..r-1).
        step: Step of each row within its trajectory (0..k); step ``s > 0`` differs from
            step ``s - 1`` in exactly one parameter, by ``delta`` times its range.
        delta: The step size in unit-cube terms, ``levels / (2 (levels - 1))``.
    """

    X: np.ndarray
    trajectory: np.ndarray
    step: np.ndarray
    delta: float


def _bounds(bounds):
    bounds = np.asarray(bounds, float)
    if bounds.ndim != 2 or bounds.shape[1] != 2 or np.any(bounds[:, 1] <= bounds[:, 0]):
        raise ValueError("bounds must be a sequence of (min, max) pairs with min < max")
    return bounds


def _sobol(n, d, seed, warn=True):
    """``n`` scrambled Sobol points; warns (if ``warn``) when ``n`` is not a power of two."""
    engine = qmc.Sobol(d=d, scramble=True, seed=seed)
    m = int(np.log2(n)) if n > 0 else 0
    if 2 ** m == n:
        return engine.random_base2(m)
    with warnings.catch_warnings():
        if not warn:
            warnings.simplefilter("ignore", UserWarning)
        return engine.random(n)


def saltelli_sample(n, bounds, seed=0):
    """Generates a Saltelli (2010) design for first-order and total Sobol indices.

    Args:
        n: Number of base samples (a power of two keeps the Sobol sequence balanced).
        bounds: ``k`` pairs ``(min, max)``; parameters are uniform on these ranges.
        seed: Seed of the scrambled Sobol sequence.

    Returns:
        A :class:`SaltelliSample` of ``n * (k + 2)`` points.
    """
    bounds = _bounds(bounds)
    k = len(bounds)
    u = _sobol(n, 2 * k, seed)
    a, b = u[:, :k], u[:, k:]
    blocks = [a, b]
    for i in range(k):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    unit = np.concatenate(blocks)
    return SaltelliSample(
        X=qmc.scale(unit, bounds[:, 0], bounds[:, 1]),
        block=np.repeat(np.arange(k + 2), n).astype(np.int8),
        index=np.tile(np.arange(n), k + 2).astype(np.int32),
    )


def morris_sample(r, bounds, levels=4, seed=0):
    """Generates ``r`` Morris (1991) trajectories on a grid of ``levels`` levels.

    Base points are a scrambled Sobol sample rounded down to the grid; factors move one at
    a time in a random order (``numpy.random.Generator`` seeded with ``seed``) by
    ``+delta`` where that stays within [0, 1], else by ``-delta``.

    Args:
        r: Number of trajectories.
        bounds: ``k`` pairs ``(min, max)``.
        levels: Number of grid levels per factor (even, at least 2).
        seed: Seed of the base sample and of the factor order.

    Returns:
        A :class:`MorrisSample` of ``r * (k + 1)`` points.
    """
    if levels < 2 or levels % 2:
        raise ValueError("levels must be an even number >= 2")
    bounds = _bounds(bounds)
    k = len(bounds)
    delta = levels / (2.0 * (levels - 1))
    base = np.minimum(np.floor(_sobol(r, k, seed, warn=False) * levels), levels - 1) / (levels - 1)
    rng = np.random.default_rng(seed)
    unit = np.empty((r, k + 1, k))
    for t in range(r):
        x = base[t].copy()
        unit[t, 0] = x
        for s, i in enumerate(rng.permutation(k), start=1):
            x[i] += delta if x[i] + delta <= 1.0 + 1e-12 else -delta
            unit[t, s] = x
    unit = np.clip(unit.reshape(r * (k + 1), k), 0.0, 1.0)
    return MorrisSample(
        X=qmc.scale(unit, bounds[:, 0], bounds[:, 1]),
        trajectory=np.repeat(np.arange(r), k + 1).astype(np.int32),
        step=np.tile(np.arange(k + 1), r).astype(np.int32),
        delta=delta,
    )
