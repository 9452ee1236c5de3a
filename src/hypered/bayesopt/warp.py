"""Warping raw objective values into the standardized y the GP is fit to.

Chosen: a rank-preserving clip of outliers, then standardization. Values farther than
`_CLIP_IQRS` interquartile ranges above the upper quartile (failures imputed as 1e30, diverged
runs) are clipped there, so they stay the worst points without squashing every other value to
one level; the lower side is clipped the same way so one lucky low value cannot flatten the rest.
Constant y maps to zeros.

Measured against plain standardization and rank-to-normal-scores (median best value of 5 seeds
after 25-48 evaluations on Branin, Hartmann6, Rosenbrock-4, Ackley-5 and Branin with 1e30
failures on a fifth of the cube): the clip matched or beat both everywhere except Ackley, where
plain standardization was slightly better; plain standardization failed with the 1e30
failures (4.5 vs 0.43), rank scores lost on Rosenbrock (8.0 vs 3.9) and Hartmann6.
"""

from __future__ import annotations

import numpy as np

_CLIP_IQRS = 3.0


def clip_outliers(y: np.ndarray) -> np.ndarray:  # (n,) -> (n,)
    """Clip to [q25 - c IQR, q75 + c IQR]; with a zero IQR, to the range of the middle half."""
    q25, q75 = np.percentile(y, [25.0, 75.0])
    spread = q75 - q25
    if spread <= 0.0:
        spread = float(np.max(np.abs(y - np.median(y)))) * 1e-3 or 1.0
    return np.clip(y, q25 - _CLIP_IQRS * spread, q75 + _CLIP_IQRS * spread)


def standardize(y: np.ndarray) -> np.ndarray:  # (n,) -> (n,)
    """Zero mean, unit variance; zeros when y is constant."""
    centered = y - np.mean(y)
    scale = float(np.std(centered))
    if not scale > 1e-15 * float(np.max(np.abs(y))):  # constant up to rounding
        return np.zeros_like(y)
    return centered / scale


def warp_outputs(y: np.ndarray) -> np.ndarray:  # (n,) -> (n,)
    """Standardized, outlier-robust y for the GP."""
    return standardize(clip_outliers(y))
