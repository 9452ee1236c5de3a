"""Numerically delicate pieces, kept small and tested on their own.

- `log_h` and its derivative: the log of EI's unit-scale improvement h(z) = phi(z) + z Phi(z),
  finite for any z (Ament et al. 2023, "Unexpected Improvements to Expected Improvement", Eq. 9).
- `log1mexp`: log(1 - exp(x)) without cancellation (Maechler 2012).
- `log_softplus` and its derivative: the log of a smoothed improvement, finite far below zero.
- `cholesky_with_jitter`: Cholesky factor of a covariance matrix that may be singular.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.linalg
from scipy.special import erfcx, expit, log_ndtr, ndtr

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_LOG_SQRT_HALF_PI = 0.5 * math.log(0.5 * math.pi)
_TAIL_Z = -1.0 / math.sqrt(np.finfo(float).eps)  # below it h(z) ~ phi(z) / z^2 to float precision
_ASYMPTOTIC_Z = -1e3  # below it the asymptotic series of d log h / dz is exact to ~1e-12
_MAX_JITTER_TRIES = 8


def log_normal_pdf(z: np.ndarray) -> np.ndarray:
    """log phi(z) for the standard normal density."""
    return -0.5 * np.square(z) - _LOG_SQRT_2PI


def log1mexp(x: np.ndarray) -> np.ndarray:
    """log(1 - exp(x)) for x <= 0 (Maechler 2012: switch at x = -log 2)."""
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    near_zero = x > -math.log(2.0)
    out[near_zero] = np.log(-np.expm1(x[near_zero]))
    out[~near_zero] = np.log1p(-np.exp(x[~near_zero]))
    return out


def log_h(z: np.ndarray) -> np.ndarray:
    """log(phi(z) + z Phi(z)), finite for every finite z (Ament et al. 2023, Eq. 9)."""
    z = np.asarray(z, dtype=float)
    upper = z > -1.0
    if upper.all():  # one branch, no scatter: the common case of the maximizer's single points
        return np.log(np.exp(log_normal_pdf(z)) + z * ndtr(z))
    out = np.empty_like(z)
    tail = z <= _TAIL_Z
    middle = ~upper & ~tail
    zu = z[upper]
    out[upper] = np.log(np.exp(log_normal_pdf(zu)) + zu * ndtr(zu))
    zm = z[middle]
    # phi(z) + z Phi(z) = phi(z) (1 - sqrt(pi/2) |z| erfcx(-z / sqrt 2)) for z < 0
    scaled_tail = np.log(erfcx(-zm / math.sqrt(2.0)) * np.abs(zm)) + _LOG_SQRT_HALF_PI
    out[middle] = log_normal_pdf(zm) + log1mexp(scaled_tail)
    zt = z[tail]
    out[tail] = log_normal_pdf(zt) - 2.0 * np.log(np.abs(zt))
    return out


def log_h_grad(z: np.ndarray) -> np.ndarray:
    """d log h / dz = Phi(z) / h(z), finite for every finite z."""
    z = np.asarray(z, dtype=float)
    upper = z > -1.0
    if upper.all():  # one branch, no scatter (as in log_h)
        cdf = ndtr(z)
        return cdf / (np.exp(log_normal_pdf(z)) + z * cdf)
    out = np.empty_like(z)
    tail = z <= _ASYMPTOTIC_Z
    middle = ~upper & ~tail
    zu = z[upper]
    out[upper] = ndtr(zu) / (np.exp(log_normal_pdf(zu)) + zu * ndtr(zu))
    zm = z[middle]
    # Phi(z) / h(z) = sqrt(pi/2) erfcx(-z/sqrt 2) / (1 - sqrt(pi/2) |z| erfcx(-z/sqrt 2)), z < 0
    scaled = math.sqrt(0.5 * math.pi) * erfcx(-zm / math.sqrt(2.0))
    out[middle] = scaled / -np.expm1(np.log(scaled * np.abs(zm)))
    zt = z[tail]
    # h(z) ~ phi(z) z^-2 (1 - 3 z^-2) as z -> -inf, so d log h / dz ~ -z - 2/z + 6/z^3
    out[tail] = -zt - 2.0 / zt + 6.0 / zt**3
    return out


def normal_hazard(z: np.ndarray) -> np.ndarray:
    """phi(z) / Phi(z) = d log Phi / dz, stable in the lower tail."""
    z = np.asarray(z, dtype=float)
    return np.exp(log_normal_pdf(z) - log_ndtr(z))


def cholesky_with_jitter(K: np.ndarray) -> tuple[np.ndarray, float]:  # K (n, n)
    """Lower Cholesky factor L of K + jitter I, and the jitter that was needed.

    Jitter starts at 1e-10 of the mean diagonal and grows tenfold per retry: the factorization
    fails on duplicate or near-duplicate points with tiny noise.
    """
    if not np.all(np.isfinite(K)):
        raise ValueError("cholesky_with_jitter: the covariance matrix has NaN or inf entries")
    scale = float(np.mean(np.diag(K))) if K.size else 1.0
    jitter = 0.0
    for attempt in range(_MAX_JITTER_TRIES + 1):
        try:
            K_jittered = K if jitter == 0.0 else K + jitter * np.eye(K.shape[0])
            L = scipy.linalg.cholesky(K_jittered, lower=True, check_finite=False)
            return L, jitter
        except np.linalg.LinAlgError:
            jitter = 1e-10 * scale * 10.0**attempt
    raise np.linalg.LinAlgError(
        f"Cholesky failed even with jitter {jitter:.1e}: the covariance matrix is not finite "
        "or far from positive definite"
    )


_SOFTPLUS_LINEAR = -30.0  # below it log softplus(u) = u to float precision (softplus(u) = e^u (1 - e^u / 2 ...))


def log_softplus(u: np.ndarray) -> np.ndarray:
    """log(log(1 + e^u)), finite for every finite u (the smoothed improvement of qLogEI, Ament et al. 2023)."""
    u = np.asarray(u, dtype=float)
    return np.where(u < _SOFTPLUS_LINEAR, u, np.log(np.logaddexp(0.0, np.maximum(u, _SOFTPLUS_LINEAR))))


def log_softplus_grad(u: np.ndarray) -> np.ndarray:
    """d log softplus(u) / du = sigmoid(u) / softplus(u): 1 in the far lower tail, ~1/u in the upper."""
    u = np.asarray(u, dtype=float)
    safe = np.maximum(u, _SOFTPLUS_LINEAR)
    return np.where(u < _SOFTPLUS_LINEAR, 1.0, expit(safe) / np.logaddexp(0.0, safe))
