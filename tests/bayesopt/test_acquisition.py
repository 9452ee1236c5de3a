import math

import numpy as np
import pytest
from scipy.special import ndtr

from hypered.bayesopt import ACQUISITIONS
from hypered.bayesopt.acquisition import UCB_BETA, UCB_TAU


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


@pytest.mark.parametrize("log_form", [False, True])
@pytest.mark.parametrize("name", ["EI", "UCB", "PI"])
@pytest.mark.parametrize("mean", [-1.0, 0.3, 1.6, 5.0, 30.0])
def test_partial_derivatives_match_finite_differences(name, mean, log_form):
    acquisition = ACQUISITIONS[name]
    evaluate = acquisition.log_evaluate if log_form else acquisition.evaluate
    m, s, best, step = np.array([mean]), np.array([0.8]), 0.0, 1e-6
    _, d_mean, d_std = evaluate(m, s, best)
    fd_mean = (evaluate(m + step, s, best)[0] - evaluate(m - step, s, best)[0]) / (2 * step)
    fd_std = (evaluate(m, s + step, best)[0] - evaluate(m, s - step, best)[0]) / (2 * step)
    np.testing.assert_allclose(d_mean, fd_mean, rtol=1e-5)
    np.testing.assert_allclose(d_std, fd_std, rtol=1e-5)


def test_ei_and_pi_are_their_own_log_forms():
    """Weighting by P(feasible) adds log P to them unchanged (benchmarks depend on log-EI bit for bit)."""
    assert ACQUISITIONS["EI"].log_evaluate is ACQUISITIONS["EI"].evaluate
    assert ACQUISITIONS["PI"].log_evaluate is ACQUISITIONS["PI"].evaluate


def test_ucb_log_form_is_the_log_of_the_optimistic_improvement():
    mean, std, best = np.array([0.0, 1.0, -2.0]), np.array([0.5, 2.0, 0.1]), -0.5
    value, _, _ = ACQUISITIONS["UCB"].log_evaluate(mean, std, best)
    ucb, _, _ = ACQUISITIONS["UCB"].evaluate(mean, std, best)
    np.testing.assert_allclose(np.exp(value), best + ucb, rtol=1e-9)  # best - (mean - beta std), >> tau
    # where the bound cannot beat the incumbent: finite, ordered as UCB, about 0 after exp
    far = np.linspace(1.0, 1e4, 50)
    value, d_mean, d_std = ACQUISITIONS["UCB"].log_evaluate(far, np.full(50, 0.1), 0.0)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(d_mean)) and np.all(np.isfinite(d_std))
    assert np.all(np.diff(value) < 0) and value[0] < math.log(UCB_TAU) - 100


def test_ucb_weighted_by_feasibility_values_the_chance_of_an_improvement():
    """a(x) P(feasible): a feasible point whose bound cannot beat the incumbent is worth less than one
    that can by 0.5 with P(feasible) = 1/2. Adding log P to raw UCB (the old weighting) preferred the first."""
    best = 0.0
    mean, std = np.array([0.2, 0.5]), np.array([0.05, 0.5])  # lower bounds 0.1 (no improvement) and -0.5
    log_p = np.log([1.0, 0.5])
    weighted = ACQUISITIONS["UCB"].log_evaluate(mean, std, best)[0] + log_p
    assert weighted[1] > weighted[0]
    np.testing.assert_allclose(np.exp(weighted[1]), 0.5 * 0.5, rtol=1e-6)
    old = ACQUISITIONS["UCB"].evaluate(mean, std, best)[0] + log_p
    assert old[0] > old[1]
