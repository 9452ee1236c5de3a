import math

import numpy as np
import pytest
from scipy.special import ndtr

from hypered.bayesopt.safe_math import (
    cholesky_with_jitter,
    log1mexp,
    log_h,
    log_h_grad,
    log_softplus,
    log_softplus_grad,
    normal_hazard,
)


def direct_h(z: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi) + z * ndtr(z)


def test_log_h_matches_direct_formula_where_it_does_not_underflow():
    z = np.linspace(-15.0, 8.0, 301)
    np.testing.assert_allclose(log_h(z), np.log(direct_h(z)), rtol=1e-9, atol=1e-12)


def test_log_h_is_finite_and_increasing_deep_in_the_tail():
    z = np.concatenate([np.linspace(-1e9, -1e3, 50), np.linspace(-60.0, -30.0, 200)])
    z = np.sort(z)
    values = log_h(z)
    assert np.all(np.isfinite(values))
    assert np.all(np.diff(values) > 0)
    assert direct_h(np.array([-40.0]))[0] == 0.0  # the naive form underflows here
    # asymptotics: h(z) ~ phi(z) / z^2
    expected = -0.5 * 40.0**2 - 0.5 * math.log(2 * math.pi) - 2 * math.log(40.0)
    assert log_h(np.array([-40.0]))[0] == pytest.approx(expected, abs=2e-3)


def test_log_h_is_continuous_across_branch_points():
    for z0 in (-1.0, -1.0 / math.sqrt(np.finfo(float).eps)):
        left, right = log_h(np.array([z0 * (1 + 1e-12), z0 * (1 - 1e-12)]))
        assert left == pytest.approx(right, rel=1e-6)


@pytest.mark.parametrize("z", [-5e3, -999.0, -40.0, -3.0, -1.0, -0.3, 0.0, 2.0, 30.0])
def test_log_h_grad_matches_finite_differences(z):
    step = 1e-6 * max(1.0, abs(z))
    fd = (log_h(np.array([z + step]))[0] - log_h(np.array([z - step]))[0]) / (2 * step)
    assert log_h_grad(np.array([z]))[0] == pytest.approx(fd, rel=1e-5)


def test_normal_hazard_is_finite_in_the_tail_and_matches_formula():
    z = np.array([-50.0, -5.0, 0.0, 3.0])
    h = normal_hazard(z)
    assert np.all(np.isfinite(h))
    assert h[0] == pytest.approx(50.0, rel=1e-3)  # phi/Phi ~ -z as z -> -inf
    direct = np.exp(-0.5 * z[1:] ** 2) / math.sqrt(2 * math.pi) / ndtr(z[1:])
    np.testing.assert_allclose(h[1:], direct, rtol=1e-10)


def test_log1mexp_is_accurate_on_both_branches():
    x = np.array([-1e-20, -1e-5, -0.5, -0.7, -2.0, -50.0])
    # -expm1 is exact-ish everywhere; only for x = -50 it rounds to 1, where log(1 - e^x) ~ -e^x
    expected = np.array([math.log(-math.expm1(v)) for v in x[:-1]] + [-math.exp(-50.0)])
    np.testing.assert_allclose(log1mexp(x), expected, rtol=1e-12)


def test_cholesky_without_jitter_on_a_well_conditioned_matrix():
    K = np.array([[2.0, 0.5], [0.5, 1.0]])
    L, jitter = cholesky_with_jitter(K)
    assert jitter == 0.0
    np.testing.assert_allclose(L @ L.T, K)


def test_cholesky_adds_growing_jitter_on_a_singular_matrix():
    K = np.ones((4, 4))  # four duplicate points, no noise: rank one
    L, jitter = cholesky_with_jitter(K)
    assert jitter > 0.0
    np.testing.assert_allclose(L @ L.T, K + jitter * np.eye(4), atol=1e-12)
    assert np.all(np.isfinite(L))


def test_cholesky_raises_on_non_finite_input():
    with pytest.raises(ValueError, match="NaN or inf"):
        cholesky_with_jitter(np.array([[np.nan, 0.0], [0.0, 1.0]]))


def test_log_softplus_matches_the_direct_formula_and_is_linear_in_the_far_tail():
    u = np.linspace(-25.0, 25.0, 101)
    np.testing.assert_allclose(log_softplus(u), np.log(np.log1p(np.exp(u))), rtol=1e-12)
    far = np.array([-40.0, -1e3, -1e6])
    np.testing.assert_allclose(log_softplus(far), far, rtol=1e-12)  # log softplus(u) = u + O(e^u)


@pytest.mark.parametrize("u", [-1e3, -35.0, -29.0, -3.0, 0.0, 2.0, 40.0, 1e3])
def test_log_softplus_grad_matches_finite_differences(u):
    step = 1e-6 * max(1.0, abs(u))
    numeric = (log_softplus(np.array([u + step])) - log_softplus(np.array([u - step]))) / (2 * step)
    np.testing.assert_allclose(log_softplus_grad(np.array([u])), numeric, rtol=1e-6)
