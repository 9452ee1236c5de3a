"""Several objectives to one: ParEGO's augmented Chebyshev scalarization with random weights.

Each suggestion draws a weight vector uniformly from the simplex and minimizes the scalarized
loss with the single-objective GP and acquisition (Knowles 2006, ParEGO; Paria et al. 2019:
random scalarizations cover the whole Pareto front over many suggestions). The losses are
rescaled to [0, 1] per objective first, so that no objective's units dominate the weights.
"""

from __future__ import annotations

import numpy as np

RHO = 0.05  # Knowles 2006 Eq. 2: the augmentation that breaks ties along the Chebyshev contours


def random_weights(m: int, rng: np.random.Generator) -> np.ndarray:  # -> (m,)
    """Weights uniform on the simplex {w >= 0, sum w = 1} (a flat Dirichlet)."""
    return rng.dirichlet(np.ones(m))


def normalize(F: np.ndarray) -> np.ndarray:  # F (n, m) losses -> (n, m) in [0, 1]
    """Each column rescaled to [0, 1] over the observed rows (a constant column becomes 0)."""
    low, high = F.min(axis=0), F.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    return (F - low) / span


def chebyshev(F: np.ndarray,  # (n, m) losses, normalized
              weights: np.ndarray,  # (m,)
              ) -> np.ndarray:  # -> (n,)
    """Knowles 2006 Eq. 2: max_j w_j f_j + rho * sum_j w_j f_j, a loss to minimize whose minima
    over the weights are Pareto-optimal (also on non-convex fronts, unlike a weighted sum)."""
    weighted = F * weights[None, :]
    return np.asarray(weighted.max(axis=1) + RHO * weighted.sum(axis=1))
