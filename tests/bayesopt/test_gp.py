import numpy as np
import pytest

from hypered.bayesopt import KERNELS, GPParams
from hypered.bayesopt.gp import condition, cross_covariance


def fitted(name: str, rng: np.random.Generator, noise_var: float = 1e-10):
    X = rng.random((12, 2))
    y = np.sin(6 * X[:, 0]) + X[:, 1] ** 2
    params = GPParams(np.array([0.3, 0.5]), 1.3, noise_var)
    return condition(KERNELS[name], params, X, y)


@pytest.mark.parametrize("name", ["Matern52", "Matern32", "RBF"])
def test_posterior_interpolates_noiseless_data(name, rng):
    gp = fitted(name, rng)
    mean, std = gp.posterior(gp.X)
    np.testing.assert_allclose(mean, gp.y, atol=1e-5)
    assert np.max(std) < 1e-3  # var = noise-level only
    far_mean, far_std = gp.posterior(np.array([[5.0, 5.0]]))
    assert far_mean[0] == pytest.approx(0.0, abs=1e-6)  # reverts to the prior mean
    assert far_std[0] == pytest.approx(np.sqrt(1.3), rel=1e-6)  # and the prior std


def test_posterior_matches_textbook_formulas(rng):
    gp = fitted("Matern52", rng, noise_var=1e-2)
    X_query = rng.random((6, 2))
    K = cross_covariance(gp.kernel, gp.params, gp.X, gp.X) + 1e-2 * np.eye(len(gp.X))
    K_query = cross_covariance(gp.kernel, gp.params, X_query, gp.X)
    mean = K_query @ np.linalg.solve(K, gp.y)
    var = 1.3 - np.sum(K_query * np.linalg.solve(K, K_query.T).T, axis=1)
    got_mean, got_std = gp.posterior(X_query)
    np.testing.assert_allclose(got_mean, mean, rtol=1e-8)
    np.testing.assert_allclose(got_std**2, var, rtol=1e-7)


@pytest.mark.parametrize("name", ["Matern52", "Matern32", "RBF"])
def test_posterior_gradient_matches_finite_differences(name, rng):
    gp = fitted(name, rng, noise_var=1e-4)
    x = np.array([0.37, 0.61])
    mean, std, dmean, dstd = gp.posterior_grad(x)
    batch_mean, batch_std = gp.posterior(x[None, :])
    assert mean == pytest.approx(batch_mean[0], rel=1e-10)
    assert std == pytest.approx(batch_std[0], rel=1e-8)
    step = 1e-6
    for j in range(2):
        e = np.eye(2)[j] * step
        m_plus, s_plus = gp.posterior((x + e)[None, :])
        m_minus, s_minus = gp.posterior((x - e)[None, :])
        assert dmean[j] == pytest.approx((m_plus[0] - m_minus[0]) / (2 * step), rel=1e-5)
        assert dstd[j] == pytest.approx((s_plus[0] - s_minus[0]) / (2 * step), rel=1e-4)


def test_duplicate_rows_condition_without_error(rng):
    X = np.repeat(rng.random((3, 2)), 4, axis=0)
    gp = condition(KERNELS["RBF"], GPParams(np.array([0.5, 0.5]), 1.0, 1e-6), X, np.zeros(12))
    mean, std = gp.posterior(rng.random((5, 2)))
    assert np.all(np.isfinite(mean)) and np.all(np.isfinite(std))


def test_agrees_with_scikit_learn(rng):
    from sklearn import gaussian_process
    from sklearn.gaussian_process import kernels
    gp = fitted("Matern52", rng, noise_var=1e-3)
    oracle = gaussian_process.GaussianProcessRegressor(
        kernels.ConstantKernel(1.3, "fixed")
        * kernels.Matern(length_scale=[0.3, 0.5], length_scale_bounds="fixed", nu=2.5),
        alpha=1e-3,
        optimizer=None,
    ).fit(gp.X, gp.y)
    X_query = rng.random((8, 2))
    mean, std = oracle.predict(X_query, return_std=True)
    got_mean, got_std = gp.posterior(X_query)
    np.testing.assert_allclose(got_mean, mean, rtol=1e-6)
    np.testing.assert_allclose(got_std, std, rtol=1e-5)


def test_fitted_mean_is_the_posterior_mean_at_the_observed_points(rng):
    gp = fitted("Matern52", rng, noise_var=0.05)
    np.testing.assert_allclose(gp.fitted_mean(), gp.posterior(gp.X)[0], atol=1e-9)
    assert not np.allclose(gp.fitted_mean(), gp.y, atol=1e-3)  # noise is smoothed away
