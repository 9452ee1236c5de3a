"""The GP posterior for fixed hyperparameters: conditioning on data and predicting at X_query.

Zero prior mean on standardized y; K = signal_var * k(X, X) + noise_var * I. The posterior is of
the latent f (noise-free), which is what the acquisitions score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from .kernels import Kernel, squared_distances
from .safe_math import cholesky_with_jitter

_MIN_VARIANCE = 1e-18  # keeps std > 0 so log-EI stays finite at observed points


@dataclass(frozen=True, eq=False)
class GPParams:
    """GP hyperparameters; lengthscales are in unit-cube units."""

    lengthscales: np.ndarray  # (d,)
    signal_var: float
    noise_var: float


def cross_covariance(
    kernel: Kernel,
    params: GPParams,
    A: np.ndarray,  # (m, d)
    B: np.ndarray,  # (n, d)
) -> np.ndarray:  # (m, n)
    """signal_var * k(A, B) (no noise term)."""
    ell = params.lengthscales
    return params.signal_var * kernel.value(squared_distances(A / ell, B / ell))


@dataclass(frozen=True, eq=False)
class GaussianProcess:
    """A GP conditioned on (X, y): holds L and alpha so predictions cost O(n^2) per point."""

    kernel: Kernel
    params: GPParams
    X: np.ndarray  # (n, d)
    y: np.ndarray  # (n,)
    L: np.ndarray  # (n, n) lower Cholesky factor of K
    alpha: np.ndarray  # (n,)

    def posterior(self, X_query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # X_query (m, d)
        """Posterior mean and std of f at X_query, each (m,) (R&W Alg. 2.1)."""
        K_query = cross_covariance(self.kernel, self.params, X_query, self.X)  # (m, n)
        mean = K_query @ self.alpha  # R&W Alg. 2.1 line 4: mean = k*^T alpha
        v = scipy.linalg.solve_triangular(self.L, K_query.T, lower=True, check_finite=False)
        var = self.params.signal_var - np.sum(v * v, axis=0)  # line 6: var = k** - v^T v
        return mean, np.sqrt(np.maximum(var, _MIN_VARIANCE))

    def fitted_mean(self) -> np.ndarray:  # (n,)
        """Posterior mean of f at the observed X: K_f alpha = (K - noise_var I) alpha = y - noise_var alpha.

        O(n): the smoothed values of the observations, which a noisy objective's best trial is judged by.
        """
        return self.y - self.params.noise_var * self.alpha

    def posterior_grad(
        self,
        x: np.ndarray,  # (d,)
    ) -> tuple[float, float, np.ndarray, np.ndarray]:
        """Mean, std at one point x and their gradients d mean/dx, d std/dx, each (d,)."""
        ell2 = self.params.lengthscales**2
        diff = x[None, :] - self.X  # (n, d)
        r2 = np.sum(diff * diff / ell2, axis=1)  # (n,)
        k_unit, k_grad = self.kernel.value_and_grad(r2)
        k = self.params.signal_var * k_unit  # (n,)
        # dk_i/dx = signal_var * k'(r2_i) * 2 (x - X_i) / ell^2
        dk_dx = (2.0 * self.params.signal_var * k_grad)[:, None] * diff / ell2  # (n, d)
        mean = float(k @ self.alpha)
        dmean = self.alpha @ dk_dx  # (d,)
        K_inv_k = scipy.linalg.cho_solve((self.L, True), k, check_finite=False)  # (n,)
        var = self.params.signal_var - float(k @ K_inv_k)
        if var <= _MIN_VARIANCE:
            return mean, float(np.sqrt(_MIN_VARIANCE)), dmean, np.zeros_like(x)
        std = float(np.sqrt(var))
        dstd = -(K_inv_k @ dk_dx) / std  # d var/dx = -2 (K^-1 k)^T dk/dx; d std = d var / 2 std
        return mean, std, dmean, dstd


def condition(
    kernel: Kernel,
    params: GPParams,
    X: np.ndarray,  # (n, d)
    y: np.ndarray,  # (n,)
) -> GaussianProcess:
    """Condition the GP prior on (X, y) with fixed hyperparameters."""
    K = cross_covariance(kernel, params, X, X)
    K[np.diag_indices_from(K)] += params.noise_var
    L, _ = cholesky_with_jitter(K)
    alpha = scipy.linalg.cho_solve((L, True), y, check_finite=False)  # R&W Alg. 2.1 line 3
    return GaussianProcess(kernel, params, X, y, L, alpha)
