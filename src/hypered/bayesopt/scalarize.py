"""Several objectives to one: augmented Chebyshev scalarizations with random weights (ParEGO).

Each suggestion draws a weight vector on the simplex and minimizes the scalarized loss (Knowles
2006, ParEGO; Paria et al. 2019: random scalarizations cover the whole Pareto front over many
suggestions). The losses are rescaled per objective first, so that no objective's units dominate
the weights: the front found so far spans [0, 1], so the scalarization resolves differences along
the front rather than among far-dominated trials.

Suggestions take turns (Proposer.propose_several), because the two ways of modelling the
scalarization fail differently:
- One GP per objective (chebyshev_ei.py, qNParEGO), with weights drawn toward the simplex's
  centre, models each smooth loss accurately and fills the middle of the front. But rescaled to
  the front found so far, a front short of its true ends looks complete: an accurate model sees
  no gain past its ends and leaves them there.
- ParEGO's single GP on the scalarized losses, with weights drawn toward the simplex's corners,
  is coarser and keeps reaching past the front's ends, up to each objective's own minimum.
benchmarks/MULTI_OBJECTIVE.md has the measurements behind this.
"""

from __future__ import annotations

import numpy as np

RHO = 0.05  # Knowles 2006 Eq. 2: the augmentation that breaks ties along the Chebyshev contours
PAREGO_CONCENTRATION = 0.5  # ParEGO's weights: Dirichlet(1/2), often near the simplex's corners
CENTRAL_CONCENTRATION = 2.0  # qNParEGO's weights: Dirichlet(2), rarely near the simplex's faces


def random_weights(m: int, rng: np.random.Generator,
                   concentration: float = 1.0) -> np.ndarray:  # -> (m,)
    """Weights on the simplex {w >= 0, sum w = 1}: Dirichlet(concentration), uniform at 1, drawn
    toward the centre (1/m, ..., 1/m) above 1."""
    return rng.dirichlet(np.full(m, concentration))


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
