"""Acquisition functions for minimization, as values to MAXIMIZE over x.

Each takes the posterior mean and std at m points and the best (lowest) standardized
observation, and returns the value and its partial derivatives w.r.t. mean and std (the chain
rule to x is done by the caller with d mean/dx and d std/dx).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import log_ndtr

from .safe_math import log_h, log_h_grad, normal_hazard

UCB_BETA = 2.0  # width of the confidence bound in stds; fixed, the common practical choice

AcquisitionFn = Callable[[np.ndarray, np.ndarray, float], tuple[np.ndarray, np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Acquisition:
    """An acquisition: (mean, std, best) -> (value, d value/d mean, d value/d std), each (m,)."""

    name: str
    evaluate: AcquisitionFn


def log_expected_improvement(
    mean: np.ndarray,  # (m,)
    std: np.ndarray,  # (m,)
    best: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """log EI = log std + log h(z), z = (best - mean) / std (Ament et al. 2023: log-EI)."""
    z = (best - mean) / std
    value = log_h(z) + np.log(std)
    slope = log_h_grad(z)  # d log h / dz
    d_mean = -slope / std  # dz/dmean = -1/std
    d_std = 1.0 / std - slope * z / std  # dz/dstd = -z/std
    return value, d_mean, d_std


def log_probability_of_improvement(
    mean: np.ndarray,  # (m,)
    std: np.ndarray,  # (m,)
    best: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """log PI = log Phi(z), z = (best - mean) / std (Kushner 1964, in log space)."""
    z = (best - mean) / std
    slope = normal_hazard(z)  # d log Phi / dz
    return log_ndtr(z), -slope / std, -slope * z / std


def lower_confidence_bound(
    mean: np.ndarray,  # (m,)
    std: np.ndarray,  # (m,)
    best: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """-(mean - beta std): the negated lower confidence bound (Srinivas et al. 2010, for min)."""
    exploit, explore = -mean, UCB_BETA * std
    return exploit + explore, np.full_like(mean, -1.0), np.full_like(std, UCB_BETA)


ACQUISITIONS: dict[str, Acquisition] = {
    "EI": Acquisition("EI", log_expected_improvement),
    "UCB": Acquisition("UCB", lower_confidence_bound),
    "PI": Acquisition("PI", log_probability_of_improvement),
}
