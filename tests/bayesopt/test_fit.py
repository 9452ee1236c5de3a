import math

import numpy as np
import pytest

from hypered.bayesopt import KERNELS
from hypered.bayesopt.fit import (
    LOG_NOISE_VAR_BOUNDS,
    fit_params,
    lengthscale_prior_mean,
    log_marginal_likelihood,
    negative_log_posterior,
)


def finite_difference(f, theta: np.ndarray, step: float = 1e-6) -> np.ndarray:
    return np.array([(f(theta + e)[0] - f(theta - e)[0]) / (2 * step) for e in np.eye(len(theta)) * step])


@pytest.mark.parametrize("name", ["Matern52", "Matern32", "RBF"])
@pytest.mark.parametrize("fixed_lengthscale", [None, 0.4])
def test_log_posterior_gradient_matches_finite_differences(name, fixed_lengthscale, rng):
    X, y = rng.random((20, 3)), rng.normal(size=20)
    n_ell = 0 if fixed_lengthscale else 3
    theta = np.concatenate([rng.normal(-1.0, 0.4, n_ell), [0.3, -3.0]])

    def f(t):
        return negative_log_posterior(t, KERNELS[name], X, y, fixed_lengthscale)

    value, grad = f(theta)
    assert np.isfinite(value)
    np.testing.assert_allclose(grad, finite_difference(f, theta), rtol=1e-5, atol=1e-6)


def test_log_marginal_likelihood_matches_the_gaussian_density(rng):
    X, y = rng.random((8, 2)), rng.normal(size=8)
    ell, signal_var, noise_var = np.array([0.3, 0.7]), 1.4, 0.05
    value, *_ = log_marginal_likelihood(KERNELS["RBF"], X, y, ell, signal_var, noise_var)
    r2 = np.sum(((X[:, None, :] - X[None, :, :]) / ell) ** 2, axis=2)
    K = signal_var * np.exp(-0.5 * r2) + noise_var * np.eye(8)
    _, logdet = np.linalg.slogdet(K)
    expected = -0.5 * y @ np.linalg.solve(K, y) - 0.5 * logdet - 4 * math.log(2 * math.pi)
    assert value == pytest.approx(expected, rel=1e-10)


def test_fit_finds_the_irrelevant_dimension(rng):
    X = rng.random((40, 2))
    y = np.sin(5 * X[:, 0])
    y = (y - y.mean()) / y.std()
    params = fit_params(KERNELS["Matern52"], X, y, rng)
    assert params.lengthscales[1] > 5 * params.lengthscales[0]
    assert params.noise_var < 1e-2  # noiseless data


def test_fit_keeps_a_fixed_lengthscale(rng):
    X = rng.random((15, 3))
    y = rng.normal(size=15)
    params = fit_params(KERNELS["RBF"], X, y, rng, fixed_lengthscale=0.25)
    np.testing.assert_array_equal(params.lengthscales, np.full(3, 0.25))
    assert math.exp(LOG_NOISE_VAR_BOUNDS[0]) <= params.noise_var <= 1.0


def test_fit_survives_duplicates_and_constant_y(rng):
    X = np.repeat(rng.random((4, 2)), 3, axis=0)
    params = fit_params(KERNELS["Matern52"], X, np.zeros(12), rng)
    assert np.all(np.isfinite(params.lengthscales))
    assert params.signal_var > 0 and params.noise_var > 0


def test_lengthscale_prior_grows_with_dimension():
    assert lengthscale_prior_mean(20) > lengthscale_prior_mean(2)
