"""How the next point is chosen, as math on arrays: kernels, GP, acquisitions, their maximization.

Glossary (names used throughout this subpackage):

    d          number of columns of the unit cube [0, 1]^d
    X (n, d)   observed unit-cube inputs (feasible: domain.project(X) == X)
    y (n,)     the GP's targets, targets.gp_targets(loss).y: warped, standardized losses - PRIOR_MEAN
    ell (d,)   lengthscales, one per column (ARD), in unit-cube units
    r2         squared scaled distance sum_j ((a_j - b_j) / ell_j)^2
    K (n, n)   signal_var * k(X, X) + noise_var * I
    L (n, n)   lower Cholesky factor of K, K = L L^T
    alpha (n,) K^-1 y = L^T \\ (L \\ y)
    X_query (m, d)  points where the posterior is evaluated
    mean, std (m,)  posterior mean and standard deviation of the latent f at X_query
    best       the incumbent: min of the posterior mean at the observed (and fantasized pending)
               points, gp.fitted_mean(); min of y when the noise is negligible
    theta      log hyperparameters [log ell, log signal_var, log noise_var]
    slack (n_c,)  an outcome constraint's observations: the metric past its bound, <= 0 where it
               held (not to be confused with the domain's feasible set: constraints are on outputs)
    satisfied (n,)  bool: the rows of X whose trials kept every outcome constraint

Modules: domain (feasible set), kernels, gp (posterior), fit (hyperparameters), warp (y),
targets (the y the GP is fitted to), feasibility (outcome constraints' GPs, P(constraints hold)),
acquisition, safe_math (log-EI tail, jitter), maximize (over the mixed domain), recommend (the
best trial, noisy or not), scalarize (several objectives to one loss: ParEGO), chebyshev_ei (the
EI of that loss under one GP per objective: qNParEGO), proposer.

    F (n, m)   several objectives' losses, one column per objective (m >= 2)
    weights (m,)  a Chebyshev scalarization's weights, on the simplex
"""

from .acquisition import ACQUISITIONS, Acquisition
from .domain import Domain
from .feasibility import ConstraintData
from .fit import FitSettings, fit_params
from .gp import GaussianProcess, GPParams, condition
from .kernels import KERNELS, Kernel
from .proposer import DEFAULT_KERNEL, PENDING_STRATEGIES, Proposer
from .recommend import Choice
from .scalarize import chebyshev, normalize, random_weights
from .targets import GPTargets, gp_targets
from .warp import clip_outliers

__all__ = [
    "ACQUISITIONS",
    "Acquisition",
    "Choice",
    "ConstraintData",
    "DEFAULT_KERNEL",
    "Domain",
    "FitSettings",
    "GPParams",
    "GPTargets",
    "GaussianProcess",
    "KERNELS",
    "Kernel",
    "PENDING_STRATEGIES",
    "Proposer",
    "chebyshev",
    "clip_outliers",
    "condition",
    "fit_params",
    "gp_targets",
    "normalize",
    "random_weights",
]
