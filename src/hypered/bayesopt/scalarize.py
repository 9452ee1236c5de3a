"""Several objectives to one: ParEGO's augmented Chebyshev scalarization with random weights.

Each suggestion draws a weight vector uniformly from the simplex and minimizes the scalarized
loss with the single-objective GP and acquisition (Knowles 2006, ParEGO; Paria et al. 2019:
random scalarizations cover the whole Pareto front over many suggestions). The losses are
rescaled per objective first, so that no objective's units dominate the weights: the front found
so far spans [0, 1], so the scalarization (and the GP fitted to it) resolves differences along
the front rather than among far-dominated trials (on ZDT1, the mean hypervolume after 60 trials
went from 119.7 to 120.5 of at most 120.67 over three seeds; benchmarks/multi_objective.py).
"""

from __future__ import annotations

import numpy as np

RHO = 0.05  # Knowles 2006 Eq. 2: the augmentation that breaks ties along the Chebyshev contours


def random_weights(m: int, rng: np.random.Generator) -> np.ndarray:  # -> (m,)
    """Weights uniform on the simplex {w >= 0, sum w = 1} (a flat Dirichlet)."""
    return rng.dirichlet(np.ones(m))


def non_dominated(F: np.ndarray) -> np.ndarray:  # F (n, m) losses -> (n,) bool
    """The rows no other row dominates (no worse in every column, better in one)."""
    no_worse = np.all(F[:, None, :] <= F[None, :, :], axis=2)  # (n, n): row a no worse than row b
    better = np.any(F[:, None, :] < F[None, :, :], axis=2)
    return np.asarray(~np.any(no_worse & better, axis=0))


def normalize(F: np.ndarray) -> np.ndarray:  # F (n, m) losses -> (n, m)
    """Each column rescaled so that the Pareto front's rows span [0, 1] (from the best value to the
    front's worst, its nadir): the scalarization resolves the front, dominated rows lie above 1
    (a constant column becomes 0)."""
    front = F[non_dominated(F)]
    low, high = F.min(axis=0), front.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    return (F - low) / span


def chebyshev(F: np.ndarray,  # (n, m) losses, normalized
              weights: np.ndarray,  # (m,)
              ) -> np.ndarray:  # -> (n,)
    """Knowles 2006 Eq. 2: max_j w_j f_j + rho * sum_j w_j f_j, a loss to minimize whose minima
    over the weights are Pareto-optimal (also on non-convex fronts, unlike a weighted sum)."""
    weighted = F * weights[None, :]
    return np.asarray(weighted.max(axis=1) + RHO * weighted.sum(axis=1))
