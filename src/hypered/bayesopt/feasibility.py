"""Probability of feasibility: one GP per constrained metric, and log P(constraint holds).

Each constraint is observed as a slack s (n_c,), s <= 0 where the constraint holds. Its GP is
fitted like the objective's (same kernel, MAP hyperparameters, fitted noise) to the standardized,
outlier-clipped slack y_c = (clip(s) - center) / scale, so the bound s = 0 sits at
`threshold` = -center / scale. Its posterior mean and std give

    log P(feasible at x) = log Phi(z),  z = (threshold - mean) / std    (Gardner et al. 2014, Eq. 5)

and the constrained acquisition is log a(x) + sum_c log P(c holds at x) (Gelbart et al. 2014's
weighting, in log space so it composes with log-EI).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import log_ndtr

from .fit import FitSettings, fit_params
from .gp import GaussianProcess, GPParams, condition
from .kernels import Kernel
from .safe_math import normal_hazard
from .warp import clip_outliers, moments


@dataclass(frozen=True, eq=False)
class ConstraintData:
    """One constraint's observations: where it was measured and by how much it was past its bound."""

    X: np.ndarray  # (n_c, d) unit-cube inputs of the trials that measured the metric
    slack: np.ndarray  # (n_c,) value past the bound, <= 0 where the constraint held


@dataclass(frozen=True, eq=False)
class FeasibilityModel:
    """A constraint's GP and where its bound lies in the GP's units."""

    gp: GaussianProcess
    threshold: float  # the bound (slack 0) in standardized units

    def log_probability(self, X_query: np.ndarray) -> np.ndarray:  # X_query (m, d) -> (m,)
        """log P(the constraint holds) at each row of X_query."""
        mean, std = self.gp.posterior(X_query)
        return np.asarray(log_ndtr((self.threshold - mean) / std))

    def log_probability_grad(self, x: np.ndarray) -> tuple[float, np.ndarray]:  # x (d,) -> value, (d,)
        """log P(the constraint holds) at x and its gradient (chain rule through mean and std)."""
        mean, std, dmean, dstd = self.gp.posterior_grad(x)
        z = (self.threshold - mean) / std
        slope = float(normal_hazard(np.array([z]))[0])  # d log Phi / dz
        return float(log_ndtr(z)), slope * (-dmean / std - z * dstd / std)


def slack_targets(slack: np.ndarray) -> tuple[np.ndarray, float]:  # slack (n_c,) -> y (n_c,), threshold
    """The standardized, outlier-clipped slack the GP is fitted to, and the bound in those units."""
    clipped = clip_outliers(slack)
    center, scale = moments(clipped)
    scale = scale if scale > 0.0 else max(abs(center), 1.0)  # constant slack: keep the bound's side
    return (clipped - center) / scale, -center / scale


def fit_feasibility(kernel: Kernel, data: ConstraintData, rng: np.random.Generator,
                    init: GPParams | None, fixed_lengthscale: float | None) -> FeasibilityModel:
    """The constraint's GP, its hyperparameters fitted as the objective's are (fit.fit_params)."""
    y, threshold = slack_targets(np.asarray(data.slack, dtype=float))
    params = fit_params(kernel, data.X, y, rng, init=init, fixed_lengthscale=fixed_lengthscale,
                        settings=FitSettings())
    return FeasibilityModel(condition(kernel, params, data.X, y), threshold)


def log_feasibility(models: list[FeasibilityModel], X_query: np.ndarray) -> np.ndarray:  # (m, d) -> (m,)
    """sum_c log P(c holds) at X_query: the constraints are modelled as independent."""
    total = np.zeros(len(X_query))
    for model in models:
        total += model.log_probability(X_query)
    return total


def log_feasibility_grad(models: list[FeasibilityModel], x: np.ndarray) -> tuple[float, np.ndarray]:
    """sum_c log P(c holds) at x (d,) and its gradient (d,)."""
    value, grad = 0.0, np.zeros_like(x, dtype=float)
    for model in models:
        v, g = model.log_probability_grad(x)
        value, grad = value + v, grad + g
    return value, grad
