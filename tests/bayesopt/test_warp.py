import numpy as np
import pytest

from hypered.bayesopt.warp import (
    clip_outliers,
    standardize,
    upper_power,
    upper_power_inverse,
    upper_power_lambda,
    warp_outputs,
)


def test_standardize_and_constant():
    out = warp_outputs(np.array([1.0, 2.0, 3.0, 4.0]))
    assert abs(out.mean()) < 1e-12 and abs(out.std() - 1.0) < 1e-12
    np.testing.assert_array_equal(warp_outputs(np.full(5, 7.0)), np.zeros(5))
    np.testing.assert_array_equal(standardize(np.array([3.0])), np.zeros(1))


def test_scale_invariance_from_tiny_to_huge(rng):
    y = rng.normal(size=30)
    for scale in (1e-12, 1e12):
        np.testing.assert_allclose(warp_outputs(scale * y), warp_outputs(y), atol=1e-9)


def test_outlier_is_clipped_but_stays_worst_and_keeps_the_rest_informative(rng):
    y = rng.normal(size=20)
    y_out = np.append(y, 1e30)
    warped = warp_outputs(y_out)
    assert np.argmax(warped) == 20
    assert np.all(np.isfinite(warped))
    assert np.std(warped[:20]) > 0.3  # the others are not squashed into one level
    np.testing.assert_array_equal(np.argsort(warped[:20]), np.argsort(y))


def test_up_to_half_failures_are_handled(rng):
    y = np.concatenate([rng.normal(size=12), np.full(8, 1e30)])
    clipped = clip_outliers(y)
    assert clipped.max() < 100
    assert np.std(warp_outputs(y)[:12]) > 0.2


def test_mostly_tied_values_keep_their_order():
    y = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 1e30])
    warped = warp_outputs(y)
    assert np.argmin(warped) == 5 and np.argmax(warped) == 6


def test_upper_power_leaves_the_lower_side_and_compresses_the_upper_one():
    z = np.linspace(-3.0, 6.0, 91)
    for lam in (0.0, 0.3, 1.0):
        u = upper_power(z, lam)
        assert np.all(np.diff(u) > 0.0)  # monotone: the GP sees the same order of losses
        np.testing.assert_array_equal(u[z <= 0.0], z[z <= 0.0])
        assert np.all(u[z > 0.0] <= z[z > 0.0] + 1e-12)
        slope_above = (upper_power(np.array([1e-7]), lam)[0]) / 1e-7
        assert slope_above == pytest.approx(1.0, abs=1e-6)  # no kink at 0
    np.testing.assert_allclose(upper_power(z, 1.0), z)
    np.testing.assert_allclose(upper_power(np.array([np.e - 1.0]), 0.0), [1.0])


@pytest.mark.parametrize("lam", [0.0, 0.25, 0.7, 1.0])
def test_upper_power_inverse_and_its_derivative(lam):
    z = np.linspace(-4.0, 8.0, 61)
    back, dz_du = upper_power_inverse(upper_power(z, lam), lam)
    np.testing.assert_allclose(back, z, atol=1e-10)
    u = upper_power(z, lam)
    h = 1e-6
    numeric = (upper_power_inverse(u + h, lam)[0] - upper_power_inverse(u - h, lam)[0]) / (2 * h)
    np.testing.assert_allclose(dz_du, numeric, rtol=1e-5)


def test_right_skewed_losses_are_compressed_and_symmetric_ones_are_left_alone(rng):
    skewed = standardize(np.exp(rng.normal(size=60)))  # a log-normal: a long bad tail
    assert upper_power_lambda(skewed) < 0.5
    assert upper_power_lambda(standardize(rng.normal(size=60))) > 0.8
    assert upper_power_lambda(standardize(-np.exp(rng.normal(size=60)))) == pytest.approx(1.0, abs=1e-2)
    assert upper_power_lambda(np.zeros(5)) == 1.0


def test_a_cliff_of_bad_values_no_longer_squashes_the_good_ones(rng):
    good = 0.07 + 0.3 * rng.random(30)  # a k-NN's log losses, and a few diverged settings
    losses = np.concatenate([good, [1.8, 2.5, 7.5, 3.0]])
    spread_plain = np.std(standardize(clip_outliers(losses))[:30])
    assert np.std(warp_outputs(losses)[:30]) > 1.3 * spread_plain
