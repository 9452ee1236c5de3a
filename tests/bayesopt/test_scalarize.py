"""ParEGO's scalarization: weights on the simplex, rescaling, the augmented Chebyshev loss."""

from __future__ import annotations

import numpy as np

from hypered.bayesopt import chebyshev, normalize, random_weights
from hypered.bayesopt.scalarize import RHO


def test_weights_lie_on_the_simplex_and_cover_it() -> None:
    rng = np.random.default_rng(0)
    W = np.array([random_weights(3, rng) for _ in range(2000)])
    assert np.all(W >= 0) and np.allclose(W.sum(axis=1), 1.0)
    assert np.allclose(W.mean(axis=0), 1 / 3, atol=0.02)  # flat Dirichlet: each weight's mean is 1/m


def test_normalize_maps_each_column_to_the_unit_interval() -> None:
    F = np.array([[1.0, 10.0, 5.0], [3.0, 30.0, 5.0], [2.0, 20.0, 5.0]])
    assert np.allclose(normalize(F), [[0.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.5, 0.5, 0.0]])


def test_chebyshev_is_the_weighted_max_plus_the_augmentation() -> None:
    F = np.array([[0.2, 0.8], [0.5, 0.5]])
    w = np.array([0.5, 0.5])
    assert np.allclose(chebyshev(F, w), [0.4 + RHO * 0.5, 0.25 + RHO * 0.5])
    # its minimizer is Pareto-optimal: a dominated row never scores below the row dominating it
    rng = np.random.default_rng(1)
    for _ in range(100):
        w = random_weights(2, rng)
        assert chebyshev(np.array([[0.3, 0.4]]), w)[0] < chebyshev(np.array([[0.3, 0.6]]), w)[0]
