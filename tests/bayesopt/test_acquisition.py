import math

import numpy as np
import pytest
from scipy.special import ndtr

from hypered.bayesopt import ACQUISITIONS
from hypered.bayesopt.acquisition import UCB_BETA


def phi(z):
    return np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)


def test_acquisition_names():
    assert set(ACQUISITIONS) == {"EI", "UCB", "PI"}


def test_log_ei_matches_the_direct_formula():
    mean = np.array([0.0, 0.5, -0.3, 2.0, 1.0])
    std = np.array([1.0, 0.2, 0.7, 0.5, 3.0])
    best = 0.1
    z = (best - mean) / std
    direct = std * (z * ndtr(z) + phi(z))
    value, _, _ = ACQUISITIONS["EI"].evaluate(mean, std, best)
    np.testing.assert_allclose(np.exp(value), direct, rtol=1e-10)


def test_log_ei_is_finite_and_monotone_where_ei_underflows():
    std = np.full(200, 0.01)
    mean = np.linspace(0.40, 0.45, 200)  # z from -40 to -45: EI == 0 in floating point
    z = (0.0 - mean) / std
    assert np.all(std * (z * ndtr(z) + phi(z)) == 0.0)
    value, d_mean, _ = ACQUISITIONS["EI"].evaluate(mean, std, 0.0)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(d_mean))
    assert np.all(np.diff(value) < 0)  # higher mean, less improvement
    assert np.all(d_mean < 0)


def test_log_pi_and_ucb_match_their_formulas():
    mean, std, best = np.array([0.0, 1.0, -2.0]), np.array([0.5, 2.0, 0.1]), -0.5
    z = (best - mean) / std
    log_pi, _, _ = ACQUISITIONS["PI"].evaluate(mean, std, best)
    np.testing.assert_allclose(np.exp(log_pi), ndtr(z), rtol=1e-12)
    ucb, _, _ = ACQUISITIONS["UCB"].evaluate(mean, std, best)
    np.testing.assert_allclose(ucb, -(mean - UCB_BETA * std))
    deep, _, _ = ACQUISITIONS["PI"].evaluate(np.array([100.0]), np.array([1.0]), 0.0)
    assert np.isfinite(deep[0])


@pytest.mark.parametrize("name", ["EI", "UCB", "PI"])
@pytest.mark.parametrize("mean", [-1.0, 0.3, 5.0, 30.0])
def test_partial_derivatives_match_finite_differences(name, mean):
    evaluate = ACQUISITIONS[name].evaluate
    m, s, best, step = np.array([mean]), np.array([0.8]), 0.0, 1e-6
    _, d_mean, d_std = evaluate(m, s, best)
    fd_mean = (evaluate(m + step, s, best)[0] - evaluate(m - step, s, best)[0]) / (2 * step)
    fd_std = (evaluate(m, s + step, best)[0] - evaluate(m, s - step, best)[0]) / (2 * step)
    np.testing.assert_allclose(d_mean, fd_mean, rtol=1e-5)
    np.testing.assert_allclose(d_std, fd_std, rtol=1e-5)
