"""Acquisition functions for minimization, as values to MAXIMIZE over x.

Each takes the posterior mean and std at m points and the best (lowest) standardized
observation, and returns the value and its partial derivatives w.r.t. mean and std (the chain
rule to x is done by the caller with d mean/dx and d std/dx).

Outcome constraints weight an acquisition by P(feasible) as log a(x) + log P(feasible at x)
(feasibility.py), which needs a in log space: each acquisition has a log form for that. log-EI
and log-PI are their own; UCB, which may be negative, has the log of the optimistic improvement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import log_ndtr

from .safe_math import log_h, log_h_grad, log_softplus, log_softplus_grad, normal_hazard

UCB_BETA = 2.0  # width of the confidence bound in stds; fixed, the common practical choice
UCB_TAU = 1e-3  # softplus temperature of the optimistic improvement, in standardized y units

AcquisitionFn = Callable[[np.ndarray, np.ndarray, float], tuple[np.ndarray, np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Acquisition:
    """An acquisition: (mean, std, best) -> (value, d value/d mean, d value/d std), each (m,).

    `log_evaluate` is the same in log space (of a positive form with the same trade-off), for
    weighting by P(feasible); it is `evaluate` itself for an acquisition already in log space.
    """

    name: str
    evaluate: AcquisitionFn
    log_evaluate: AcquisitionFn


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



def log_optimistic_improvement(
    mean: np.ndarray,  # (m,)
    std: np.ndarray,  # (m,)
    best: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """log softplus_tau(best - (mean - beta std)): UCB's log form, for weighting by P(feasible).

    The improvement the lower confidence bound promises over the incumbent, max(0, UCB + best),
    smoothed by a softplus of temperature UCB_TAU so its log is finite where it cannot improve
    (as qLogEI smooths the improvement, Ament et al. 2023). UCB shifted by the incumbent is
    positive, so P(feasible) can weight it as Gardner et al. 2014 weight EI: an infeasible point
    improves nothing. Raw UCB may be negative, and adding log P to it, as before, weighted exp(UCB).
    """
    exploit, explore = best - mean, UCB_BETA * std
    improvement = (exploit + explore) / UCB_TAU
    value = np.log(UCB_TAU) + log_softplus(improvement)
    slope = log_softplus_grad(improvement) / UCB_TAU  # d value / d (exploit + explore)
    return value, -slope, UCB_BETA * slope


ACQUISITIONS: dict[str, Acquisition] = {
    "EI": Acquisition("EI", log_expected_improvement, log_expected_improvement),
    "UCB": Acquisition("UCB", lower_confidence_bound, log_optimistic_improvement),
    "PI": Acquisition("PI", log_probability_of_improvement, log_probability_of_improvement),
}
