"""qNParEGO's acquisition: log-EI of a Chebyshev scalarization under one GP per objective."""

import numpy as np
import pytest
from scipy.stats import norm

from hypered.bayesopt import KERNELS, condition, fit_params, gp_targets
from hypered.bayesopt.chebyshev_ei import TAU, ChebyshevEI, base_samples, log_chebyshev_ei, scalarized_fit
from hypered.bayesopt.scalarize import RHO, chebyshev


def test_base_samples_are_standard_normal_and_fixed_by_the_generator():
    Z = base_samples(3, np.random.default_rng(0))
    assert Z.shape == (128, 3) and np.all(np.isfinite(Z))
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=0.02)  # Sobol: far closer than iid draws
    np.testing.assert_allclose(Z.std(axis=0), 1.0, atol=0.05)
    np.testing.assert_array_equal(Z, base_samples(3, np.random.default_rng(0)))


def test_without_uncertainty_it_is_the_smoothed_improvement_of_the_scalarized_mean():
    F_mean = np.array([[0.2, 0.5], [0.6, 0.1], [0.9, 0.9]])
    weights = np.array([0.3, 0.7])
    value, _, _ = log_chebyshev_ei(F_mean, np.zeros_like(F_mean), weights, 0.3, base_samples(2, np.random.default_rng(1)))
    improvement = (0.3 - chebyshev(F_mean, weights)) / TAU
    np.testing.assert_allclose(value, np.log(TAU * np.logaddexp(0.0, improvement)), rtol=1e-9)


def test_one_objective_matches_the_closed_form_expected_improvement():
    # with one objective the scalarization is (1 + rho) f, f ~ N(mean, std): EI in closed form
    mean, std, best = 0.4, 0.3, 0.5
    value, _, _ = log_chebyshev_ei(np.array([[mean]]), np.array([[std]]), np.array([1.0]), best,
                                   base_samples(1, np.random.default_rng(2)))
    s_mean, s_std = (1 + RHO) * mean, (1 + RHO) * std
    z = (best - s_mean) / s_std
    closed = s_std * (z * norm.cdf(z) + norm.pdf(z))
    np.testing.assert_allclose(np.exp(value[0]), closed, rtol=0.02)  # Monte Carlo error and tau's smoothing


def test_far_from_any_improvement_it_stays_finite_and_points_toward_one():
    F_mean, F_std = np.array([[5.0, 5.0]]), np.array([[0.01, 0.01]])
    value, d_mean, d_std = log_chebyshev_ei(F_mean, F_std, np.array([0.5, 0.5]), 0.1,
                                            base_samples(2, np.random.default_rng(3)))
    assert np.isfinite(value[0]) and value[0] < -1000.0  # plain Monte Carlo EI would be exactly 0
    assert np.all(d_mean < 0.0) and np.all(d_std > 0.0)  # a lower mean or a wider posterior helps


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(4)
    F_mean, F_std = rng.random((5, 3)), 0.05 + 0.3 * rng.random((5, 3))
    weights, Z, best = rng.dirichlet(np.ones(3)), base_samples(3, rng), 0.25
    _, d_mean, d_std = log_chebyshev_ei(F_mean, F_std, weights, best, Z)
    step = 1e-6
    for j in range(3):
        E = np.zeros_like(F_mean)
        E[:, j] = step
        numeric_mean = (log_chebyshev_ei(F_mean + E, F_std, weights, best, Z)[0]
                        - log_chebyshev_ei(F_mean - E, F_std, weights, best, Z)[0]) / (2 * step)
        numeric_std = (log_chebyshev_ei(F_mean, F_std + E, weights, best, Z)[0]
                       - log_chebyshev_ei(F_mean, F_std - E, weights, best, Z)[0]) / (2 * step)
        np.testing.assert_allclose(d_mean[:, j], numeric_mean, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(d_std[:, j], numeric_std, rtol=1e-5, atol=1e-6)


@pytest.fixture
def two_objectives(rng):
    X = rng.random((15, 2))
    F = np.stack([X[:, 0], 1.0 - np.sqrt(X[:, 0]) + X[:, 1]], axis=1)
    kernel = KERNELS["Matern52"]
    targets = [gp_targets(column, power=False) for column in F.T]
    gps = [condition(kernel, fit_params(kernel, X, t.y, rng), X, t.y) for t in targets]
    return gps, targets, F


def test_the_incumbent_is_the_lowest_scalarized_posterior_mean_among_the_rows(two_objectives, rng):
    gps, targets, F = two_objectives
    weights, origin = np.array([0.4, 0.6]), F.min(axis=0) - 0.1
    rows = np.arange(len(F)) % 2 == 0
    acquisition = ChebyshevEI.at(gps, targets, weights, origin, base_samples(2, rng), rows)
    smoothed = scalarized_fit(gps, targets, weights, origin)
    assert acquisition.best == pytest.approx(np.min(smoothed[rows]))
    np.testing.assert_allclose(smoothed, chebyshev(F - origin, weights), atol=0.05)  # nearly noise-free fits


def test_acquisition_gradient_in_x_matches_finite_differences(two_objectives, rng):
    gps, targets, F = two_objectives
    acquisition = ChebyshevEI.at(gps, targets, np.array([0.5, 0.5]), F.min(axis=0) - 0.1,
                                 base_samples(2, rng), np.ones(len(F), dtype=bool))
    for x in (np.array([0.3, 0.4]), np.array([0.8, 0.1])):
        value, grad = acquisition.value_and_grad(x)
        assert value == pytest.approx(acquisition.values(x[None, :])[0], rel=1e-10)
        step = 1e-6
        numeric = [(acquisition.values((x + e)[None, :])[0] - acquisition.values((x - e)[None, :])[0]) / (2 * step)
                   for e in np.eye(2) * step]
        np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-6)
