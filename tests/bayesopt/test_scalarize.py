"""ParEGO's scalarization: weights on the simplex, rescaling, the augmented Chebyshev loss."""

from __future__ import annotations

import numpy as np

from hypered.bayesopt import chebyshev, normalize, random_weights
from hypered.bayesopt.scalarize import CENTRAL_CONCENTRATION, PAREGO_CONCENTRATION, RHO, non_dominated


def test_weights_lie_on_the_simplex_and_cover_it() -> None:
    rng = np.random.default_rng(0)
    W = np.array([random_weights(3, rng) for _ in range(2000)])
    assert np.all(W >= 0) and np.allclose(W.sum(axis=1), 1.0)
    assert np.allclose(W.mean(axis=0), 1 / 3, atol=0.02)  # flat Dirichlet: each weight's mean is 1/m


def test_non_dominated_rows() -> None:
    F = np.array([[1.0, 4.0], [2.0, 2.0], [3.0, 3.0], [4.0, 1.0], [2.0, 2.0]])
    assert non_dominated(F).tolist() == [True, True, False, True, True]  # equal rows do not dominate


def test_normalize_makes_the_pareto_front_span_the_unit_interval() -> None:
    F = np.array([[1.0, 40.0, 5.0], [3.0, 20.0, 5.0], [2.0, 90.0, 5.0], [5.0, 60.0, 5.0]])
    # the front is rows 0 and 1: each column from its best value (0) to the front's worst (1);
    # dominated rows lie beyond; a constant column is 0
    assert np.allclose(normalize(F), [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.5, 3.5, 0.0], [2.0, 2.0, 0.0]])


def test_chebyshev_is_the_weighted_max_plus_the_augmentation() -> None:
    F = np.array([[0.2, 0.8], [0.5, 0.5]])
    w = np.array([0.5, 0.5])
    assert np.allclose(chebyshev(F, w), [0.4 + RHO * 0.5, 0.25 + RHO * 0.5])
    # its minimizer is Pareto-optimal: a dominated row never scores below the row dominating it
    rng = np.random.default_rng(1)
    for _ in range(100):
        w = random_weights(2, rng)
        assert chebyshev(np.array([[0.3, 0.4]]), w)[0] < chebyshev(np.array([[0.3, 0.6]]), w)[0]


def test_the_concentration_draws_weights_toward_the_centre_above_one_and_the_corners_below() -> None:
    rng = np.random.default_rng(2)
    flat = np.array([random_weights(3, rng) for _ in range(4000)])
    central = np.array([random_weights(3, rng, CENTRAL_CONCENTRATION) for _ in range(4000)])
    cornered = np.array([random_weights(3, rng, PAREGO_CONCENTRATION) for _ in range(4000)])
    assert np.allclose(central.mean(axis=0), 1 / 3, atol=0.02) and np.allclose(cornered.mean(axis=0), 1 / 3, atol=0.02)
    assert np.mean(cornered.max(axis=1) > 0.9) > 2 * np.mean(flat.max(axis=1) > 0.9)
    # Dirichlet variance a (a0 - a) / (a0^2 (a0 + 1)): 1/18 flat, 8/252 at concentration 2
    assert np.allclose(flat.var(axis=0), 1 / 18, rtol=0.1) and np.allclose(central.var(axis=0), 8 / 252, rtol=0.1)
    assert np.mean(central.min(axis=1) < 0.05) < np.mean(flat.min(axis=1) < 0.05) / 2
