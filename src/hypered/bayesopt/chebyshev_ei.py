"""Expected improvement of a Chebyshev scalarization, from one GP per objective (qNParEGO).

ParEGO fits one GP to the scalarized losses, whose max over objectives has kinks a stationary GP
smooths over. Instead each objective gets its own GP (each loss is smooth) and x is scored by
the EI of the scalarized loss under their joint posterior (Daulton et al. 2020, qNParEGO). The
expectation is a Monte Carlo average over base samples drawn once per suggestion, so the
acquisition is a deterministic, differentiable function of x for the maximizer. The improvement
is softplus-smoothed and averaged in log space (Ament et al. 2023, qLogEI): far from any
improvement the value and its gradient still point toward one, where plain MC EI is exactly 0.

    origin (m,)            the scalarization's origin: UTOPIA_MARGIN below each objective's best
    F_mean, F_std (k, m)  each objective's posterior mean (less the origin) and std, normalized units
    Z (s, m)               standard normal base samples, s = N_SAMPLES
    weights (m,)           the suggestion's Chebyshev weights (scalarize.random_weights)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp, ndtri, softmax
from scipy.stats import qmc

from .gp import GaussianProcess
from .safe_math import log_softplus, log_softplus_grad
from .scalarize import RHO, chebyshev
from .targets import GPTargets

N_SAMPLES = 128
# The origin lies this far below each objective's best (normalized units: the front spans [0, 1]).
# Measured from the best itself, a point beyond the front's end scalarizes to no better than the end
# (the weighted max is the other objective's term), so the front would not grow past its ends.
UTOPIA_MARGIN = 0.1
TAU = 1e-3  # softplus temperature, in normalized loss units (the front spans [0, 1])


def base_samples(m: int, rng: np.random.Generator) -> np.ndarray:  # -> Z (N_SAMPLES, m)
    """Scrambled Sobol points mapped to standard normals: lower variance than iid draws."""
    U = qmc.Sobol(m, scramble=True, seed=rng).random(N_SAMPLES)
    return np.asarray(ndtri(np.clip(U, 1e-9, 1.0 - 1e-9)))


def log_chebyshev_ei(
    F_mean: np.ndarray,  # (k, m)
    F_std: np.ndarray,  # (k, m)
    weights: np.ndarray,  # (m,)
    best: float,
    Z: np.ndarray,  # (s, m)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # value (k,), d value/d F_mean (k, m), d value/d F_std (k, m)
    """log E[softplus_tau(best - chebyshev(F))], F = F_mean + F_std Z per sample (qLogEI, Ament et al. 2023)."""
    samples = F_mean[:, None, :] + F_std[:, None, :] * Z[None, :, :]  # (k, s, m)
    weighted = samples * weights
    top = np.argmax(weighted, axis=2)  # (k, s): the objective the Chebyshev max picks
    scalarized = np.take_along_axis(weighted, top[..., None], axis=2)[..., 0] + RHO * weighted.sum(axis=2)
    improvement = (best - scalarized) / TAU  # (k, s)
    log_terms = np.log(TAU) + log_softplus(improvement)
    value = logsumexp(log_terms, axis=1) - np.log(len(Z))
    # chain rule: d value / d scalarized_i = -softmax_i(log_terms) log_softplus'(improvement_i) / tau
    d_scalarized = -softmax(log_terms, axis=1) * log_softplus_grad(improvement) / TAU  # (k, s)
    d_sample = (RHO + (np.arange(len(weights)) == top[..., None])) * weights  # (k, s, m) d scalarized / d F
    d_mean = np.einsum("ks,ksm->km", d_scalarized, d_sample)
    d_std = np.einsum("ks,ksm,sm->km", d_scalarized, d_sample, Z)
    return value, d_mean, d_std


@dataclass(frozen=True, eq=False)
class ChebyshevEI:
    """log EI of chebyshev(F, weights) under one GP per objective, as an acquisition to maximize.

    Each GP is fitted to its objective's targets (targets.gp_targets with power=False: a linear
    map, so GPTargets.to_loss takes its Gaussian posterior to a Gaussian in loss units, with slope
    `scale`).
    """

    gps: tuple[GaussianProcess, ...]  # one per objective, conditioned on the same X
    targets: tuple[GPTargets, ...]
    weights: np.ndarray  # (m,)
    origin: np.ndarray  # (m,) the scalarization's origin, in loss units (utopia)
    Z: np.ndarray  # (s, m)
    best: float  # lowest scalarized posterior mean at the incumbent rows

    @classmethod
    def at(cls, gps: Sequence[GaussianProcess], targets: Sequence[GPTargets], weights: np.ndarray,
           origin: np.ndarray, Z: np.ndarray, rows: np.ndarray) -> ChebyshevEI:  # rows (n_gp,) bool
        """The acquisition with the incumbent among `rows` of the GPs' inputs (plug-in noisy EI)."""
        fitted = scalarized_fit(gps, targets, weights, origin)
        return cls(tuple(gps), tuple(targets), weights, origin, Z, float(np.min(fitted[rows])))

    def values(self, X_query: np.ndarray) -> np.ndarray:  # (k, d) -> (k,)
        losses = [t.to_loss(*gp.posterior(X_query)) for gp, t in zip(self.gps, self.targets)]
        F_mean = np.stack([mean for mean, _ in losses], axis=1) - self.origin
        F_std = np.stack([std for _, std in losses], axis=1)
        return log_chebyshev_ei(F_mean, F_std, self.weights, self.best, self.Z)[0]

    def value_and_grad(self, x: np.ndarray) -> tuple[float, np.ndarray]:  # x (d,) -> value, (d,)
        parts = [gp.posterior_grad(x) for gp in self.gps]  # (mean, std, dmean (d,), dstd (d,)) each
        scale = np.array([t.scale for t in self.targets])  # (m,)
        losses = [t.to_loss(np.array([p[0]]), np.array([p[1]])) for t, p in zip(self.targets, parts)]
        F_mean = np.stack([mean for mean, _ in losses], axis=1) - self.origin  # (1, m)
        F_std = np.stack([std for _, std in losses], axis=1)
        value, d_mean, d_std = log_chebyshev_ei(F_mean, F_std, self.weights, self.best, self.Z)
        dmean_dx = np.stack([p[2] for p in parts])  # (m, d)
        dstd_dx = np.stack([p[3] for p in parts])
        grad = (d_mean[0] * scale) @ dmean_dx + (d_std[0] * scale) @ dstd_dx
        return float(value[0]), grad


def scalarized_fit(gps: Sequence[GaussianProcess], targets: Sequence[GPTargets],
                   weights: np.ndarray, origin: np.ndarray) -> np.ndarray:  # -> (n_gp,)
    """chebyshev of the objectives' posterior means at the GPs' inputs (the smoothed observations)."""
    F = np.stack([t.to_loss(gp.fitted_mean(), np.zeros(len(gp.y)))[0] for gp, t in zip(gps, targets)], axis=1)
    return chebyshev(F - origin, weights)
