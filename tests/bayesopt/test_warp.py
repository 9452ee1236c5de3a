import numpy as np

from hypered.bayesopt.warp import clip_outliers, standardize, warp_outputs


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
