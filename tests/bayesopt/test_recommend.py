"""recommend.choose: the best posterior mean on noisy data, the best observation otherwise."""

from __future__ import annotations

import numpy as np

from hypered.bayesopt import KERNELS, GPParams, condition, gp_targets
from hypered.bayesopt.recommend import NOISY_NOISE_VAR, choose


def model(X: np.ndarray, loss: np.ndarray, noise_var: float):
    targets = gp_targets(loss)
    gp = condition(KERNELS["Matern52"], GPParams(np.array([0.3]), 1.0, noise_var), X, targets.y)
    return gp, targets


def test_a_deterministic_objective_gets_its_best_observation(rng):
    X = rng.random((15, 1))
    loss = (X[:, 0] - 0.4) ** 2
    gp, targets = model(X, loss, 1e-6)
    choice = choose(gp, targets, loss)
    assert not choice.noisy
    assert choice.index == int(np.argmin(loss))
    assert choice.mean == np.float64(loss[choice.index]).item() or abs(choice.mean - loss[choice.index]) < 1e-3


def test_a_noisy_objective_gets_the_best_posterior_mean_not_the_lucky_draw(rng):
    X = np.linspace(0.0, 1.0, 30)[:, None]
    truth = (X[:, 0] - 0.3) ** 2
    loss = truth + 0.05 * rng.standard_normal(30)
    lucky = 27  # far from the optimum, but drawn lowest
    loss[lucky] = loss.min() - 0.02
    gp, targets = model(X, loss, 0.2)
    choice = choose(gp, targets, loss)
    assert choice.noisy and 0.2 >= NOISY_NOISE_VAR
    assert choice.index != lucky
    assert abs(X[choice.index, 0] - 0.3) < 0.15
    # the noise std in loss units: d loss / d y at the recommended point times the std in y units
    expected_noise_std = abs(targets.loss_slope(float(gp.fitted_mean()[choice.index]))) * np.sqrt(0.2)
    assert abs(choice.noise_std - expected_noise_std) < 1e-12
    assert 0.0 < choice.noise_std < np.ptp(loss)
    smoothed, _ = targets.to_loss(gp.fitted_mean(), np.zeros(30))
    assert choice.mean == smoothed.min()


def test_too_few_points_are_never_called_noisy(rng):
    X = rng.random((5, 1))
    loss = rng.standard_normal(5)
    gp, targets = model(X, loss, 0.5)
    choice = choose(gp, targets, loss)
    assert not choice.noisy and choice.index == int(np.argmin(loss))
