"""Probability of feasibility: one GP per constrained metric, and log P(constraint holds).

Each constraint is observed as a slack s (n_c,), s <= 0 where the constraint holds. Its GP is
fitted like the objective's (same kernel, MAP hyperparameters, fitted noise) to the standardized,
outlier-clipped slack y_c = (clip(s) - center) / scale, so the bound s = 0 sits at
`threshold` = -center / scale. Its posterior mean and std give

    log P(feasible at x) = log Phi(z),  z = (threshold - mean) / std    (Gardner et al. 2014, Eq. 5)

and the constrained acquisition is log a(x) + sum_c log P(c holds at x) (Gelbart et al. 2014's
weighting, in log space so it composes with log-EI; acquisition.py gives each acquisition a log form).

Points under evaluation are fantasized for the constraints too, by the kriging believer
(Ginsbourger et al. 2010) whatever the objective's pending strategy: each constraint's GP is
conditioned on its own posterior mean of f there, without noise (`FeasibilityModel.believing`).
A pending point whose believed slacks all keep their bounds is, under that pretence, a feasible
trial (`believed_feasible`): the proposer counts it among the incumbents, so EI and UCB's
optimistic improvement fall to about 0 there (PI stays near 1/2 at an incumbent, with or without
constraints, and is only weakly repelled). One believed to break a bound has that
belief made certain (its std falls to 0, its mean stays above the bound), so P(feasible) falls
to 0 at it and stays low around it. Either way the next proposal moves away from the pending
points, also while no trial is feasible yet and the acquisition is P(feasible) alone, where
fantasizing only the objective let parallel workers propose the same point. (The believer
alone would not repel from a point believed feasible: P(feasible) there rises toward 1.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
from scipy.special import log_ndtr

from .fit import FitSettings, fit_params
from .gp import GaussianProcess, GPParams, condition, cross_covariance
from .kernels import Kernel
from .safe_math import cholesky_with_jitter, normal_hazard
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

    def believing(self, X_pending: np.ndarray) -> FeasibilityModel:  # X_pending (p, d)
        """This model conditioned on its posterior mean at X_pending (the kriging believer): the mean
        is unchanged everywhere, the std falls to 0 at X_pending and shrinks around it.

        The belief is about the latent f, so the pending rows get no noise term: with the fitted
        noise, as for observed rows, the std at a pending point stays near the noise's, and a
        point believed just past the bound hardly repels. The result's `fitted_mean` is not
        meaningful for the pending rows; only its posterior is used.
        """
        gp = self.gp
        believed = gp.posterior(X_pending)[0]  # (p,)
        X_all = np.vstack([gp.X, X_pending])  # (n_c + p, d)
        K = cross_covariance(gp.kernel, gp.params, X_all, X_all)  # (n_c + p, n_c + p)
        observed = np.arange(len(gp.X))
        K[observed, observed] += gp.params.noise_var
        L, _ = cholesky_with_jitter(K)  # jitter: pending points may repeat one another
        y = np.concatenate([gp.y, believed])
        alpha = scipy.linalg.cho_solve((L, True), y, check_finite=False)  # R&W Alg. 2.1 line 3
        return FeasibilityModel(GaussianProcess(gp.kernel, gp.params, X_all, y, L, alpha), self.threshold)

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


def believed_feasible(models: list[FeasibilityModel], X_pending: np.ndarray) -> np.ndarray:  # (p, d) -> (p,)
    """Whether every constraint's posterior mean at each pending point keeps its bound."""
    kept = np.ones(len(X_pending), dtype=bool)
    for model in models:
        kept &= model.gp.posterior(X_pending)[0] <= model.threshold
    return kept


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
