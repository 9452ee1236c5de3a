"""Which observed point to recommend, and whether the objective looks noisy.

A noisy objective's lowest observation is often a lucky draw: its best trial is judged by the
GP's posterior mean at the observed points instead (the smoothed values, gp.fitted_mean), as
BoTorch's and SMAC's "best in-sample posterior mean" recommendations do. A deterministic one's
best observation is exact, so it is recommended as is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .gp import GaussianProcess
from .targets import GPTargets

# The objective looks noisy when the fitted noise std is at least this share of the std of the
# standardized losses (noise_var >= 0.1^2). Deterministic benchmark functions fit 1e-6 to 1e-3
# noise_var; cross-validated models with random splits 0.05 to 0.5 (benchmarks/RESULTS.md).
NOISY_NOISE_VAR = 0.01
# Below this many observations, noise and signal cannot be told apart (3 points fit noise_var 0.3
# as readily as 1e-6): the objective is taken as deterministic.
MIN_POINTS_FOR_NOISE = 10


@dataclass(frozen=True)
class Choice:
    """The recommended row of X and what the model says about it."""

    index: int
    mean: float  # posterior mean of the loss at X[index], in loss units
    noisy: bool
    noise_std: float  # fitted observation noise, in loss units


def choose(gp: GaussianProcess, targets: GPTargets,
           loss: np.ndarray,  # (n,) the raw losses gp was fitted to
           noisy: bool | None = None) -> Choice:
    """The best posterior mean when the objective is noisy, else the best observation. `noisy`
    None: judged from the fit (it looks noisy); True or False: as the user declared it."""
    smoothed = gp.fitted_mean()  # (n,)
    if noisy is None:
        noisy = len(loss) >= MIN_POINTS_FOR_NOISE and gp.params.noise_var >= NOISY_NOISE_VAR
    index = int(np.argmin(smoothed)) if noisy else int(np.argmin(loss))
    mean, _ = targets.to_loss(smoothed[index : index + 1], np.zeros(1))
    noise_std = abs(targets.loss_slope(float(smoothed[index]))) * math.sqrt(gp.params.noise_var)
    return Choice(index, float(mean[0]), noisy, noise_std)
