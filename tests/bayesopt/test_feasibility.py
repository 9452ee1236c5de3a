"""Outcome constraints' GPs: log P(feasible), its gradient, and the Proposer weighting by it."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from hypered.bayesopt import KERNELS, ConstraintData, Proposer
from hypered.bayesopt.feasibility import believed_feasible, fit_feasibility, slack_targets


def test_the_bound_keeps_its_place_in_standardized_units() -> None:
    slack = np.array([-3.0, -1.0, 1.0, 5.0])
    y, threshold = slack_targets(slack)
    # y is an increasing affine map of the slack: slack 0 maps to threshold
    scale = (y[1] - y[0]) / (slack[1] - slack[0])
    assert np.allclose(y, scale * slack + threshold)
    constant, threshold = slack_targets(np.array([2.0, 2.0, 2.0]))
    assert np.allclose(constant, 0.0) and threshold < 0.0  # every point infeasible: the bound below them


def test_log_probability_matches_the_posterior_and_its_gradient_matches_finite_differences(rng) -> None:
    X = rng.random((12, 2))
    slack = X[:, 0] + 0.5 * X[:, 1] - 0.7  # feasible below a line
    model = fit_feasibility(KERNELS["Matern52"], ConstraintData(X, slack), rng, None, None)
    X_query = rng.random((5, 2))
    mean, std = model.gp.posterior(X_query)
    expected = norm.logcdf((model.threshold - mean) / std)
    assert np.allclose(model.log_probability(X_query), expected)
    x = np.array([0.4, 0.35])
    value, grad = model.log_probability_grad(x)
    assert np.isclose(value, model.log_probability(x[None, :])[0])
    step = 1e-6
    numeric = [(model.log_probability((x + step * e)[None, :])[0]
                - model.log_probability((x - step * e)[None, :])[0]) / (2 * step) for e in np.eye(2)]
    assert np.allclose(grad, numeric, rtol=1e-4, atol=1e-6)
    inside, outside = model.log_probability(np.array([[0.05, 0.05], [0.95, 0.95]]))
    assert inside > np.log(0.9) and outside < np.log(0.1)


def test_propose_keeps_to_the_feasible_region(rng, make_domain) -> None:
    """The objective falls toward x0 = 1 but the constraint x0 <= 0.5 holds only on the left half:
    the proposal is near the boundary, not at the unconstrained optimum."""
    domain = make_domain(2)
    X = rng.random((15, 2))
    loss = -X[:, 0] + 0.1 * X[:, 1]
    slack = X[:, 0] - 0.5
    proposer = Proposer(domain)
    x = proposer.propose(X, loss, rng, constraints=[ConstraintData(X, slack)], satisfied=slack <= 0)
    assert x is not None and 0.3 < x[0] <= 0.56
    unconstrained = Proposer(domain).propose(X, loss, np.random.default_rng(1))
    assert unconstrained is not None and unconstrained[0] > 0.6


def test_with_no_feasible_point_yet_it_maximizes_the_probability_of_feasibility(rng, make_domain) -> None:
    domain = make_domain(2)
    X = 0.5 + 0.5 * rng.random((10, 2))  # every point in the upper right quarter, all infeasible
    loss = X[:, 0] + X[:, 1]
    slack = np.maximum(X[:, 0], X[:, 1]) - 0.45  # feasible only below 0.45 on both: nowhere observed
    x = Proposer(domain).propose(X, loss, rng, constraints=[ConstraintData(X, slack)],
                                 satisfied=np.zeros(len(X), dtype=bool))
    assert x is not None and max(x) < 0.5


def _batch(proposer_args: dict, X: np.ndarray, loss: np.ndarray, slack: np.ndarray, size: int,
           make_domain) -> np.ndarray:  # (size, d)
    """Proposals made one after another, the earlier ones pending, as parallel workers make them."""
    batch: list[np.ndarray] = []
    for _ in range(size):
        pending = np.array(batch) if batch else None
        x = Proposer(make_domain(X.shape[1]), **proposer_args).propose(
            X, loss, np.random.default_rng(0), X_pending=pending,
            X_exclude=X if pending is None else np.vstack([X, pending]),
            constraints=[ConstraintData(X, slack)], satisfied=slack <= 0)
        assert x is not None
        batch.append(x)
    return np.array(batch)


def _closest_pair(points: np.ndarray) -> float:  # points (k, d)
    distances = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=-1)
    return float(np.min(distances[np.triu_indices(len(points), 1)]))


@pytest.mark.parametrize("acquisition", ["EI", "UCB", "PI"])
def test_pending_points_spread_the_proposals_while_nothing_is_feasible(rng, make_domain, acquisition) -> None:
    """With no feasible trial the acquisition is P(feasible) alone; with the constraint fantasized at
    the pending points, the fourth proposal keeps away from the three pending ones (without, it
    was the first again)."""
    X = 0.5 + 0.5 * rng.random((10, 2))  # every point in the upper right quarter, all infeasible
    loss = X[:, 0] + X[:, 1]
    slack = np.maximum(X[:, 0], X[:, 1]) - 0.45
    batch = _batch({"acquisition": acquisition}, X, loss, slack, 4, make_domain)
    assert np.min(np.linalg.norm(batch[:3] - batch[3], axis=1)) > 0.1
    assert _closest_pair(batch) > 0.1
    assert np.all(np.min(batch, axis=1) < 0.5)  # each still where feasibility is plausible


def test_pending_points_believed_feasible_become_incumbents(make_domain) -> None:
    """Branin in a disk, some trials feasible: EI x P(feasible) with the objective alone fantasized
    kept its incumbent among the observed trials, so EI stayed high at a pending point better than
    it, and the batch piled onto one point (closest pair 0.0 apart; 0.04 now)."""
    X = np.random.default_rng(0).random((16, 2))
    x0, x1 = 15 * X[:, 0] - 5, 15 * X[:, 1]
    loss = (x1 - 5.1 / (4 * np.pi**2) * x0**2 + 5 / np.pi * x0 - 6) ** 2 + 10 * (1 - 1 / (8 * np.pi)) * np.cos(x0)
    slack = np.sum((X - 0.5) ** 2, axis=1) - 0.35**2  # feasible inside the disk
    assert 0 < np.sum(slack <= 0) < len(X)
    batch = _batch({}, X, loss, slack, 4, make_domain)
    assert _closest_pair(batch) > 0.02


def test_believing_keeps_the_mean_and_removes_the_std_at_the_pending_points(rng) -> None:
    X = rng.random((12, 2))
    slack = X[:, 0] + 0.5 * X[:, 1] - 0.7
    model = fit_feasibility(KERNELS["Matern52"], ConstraintData(X, slack), rng, None, None)
    X_pending, X_query = np.array([[0.3, 0.3], [0.9, 0.9]]), rng.random((6, 2))
    believed = model.believing(X_pending)
    np.testing.assert_allclose(believed.gp.posterior(X_query)[0], model.gp.posterior(X_query)[0], atol=1e-8)
    assert np.all(believed.gp.posterior(X_query)[1] <= model.gp.posterior(X_query)[1] + 1e-12)
    assert np.all(believed.gp.posterior(X_pending)[1] < 1e-3)
    assert believed_feasible([model], X_pending).tolist() == [True, False]


def test_ucb_with_a_constraint_takes_the_feasible_side_of_a_symmetric_objective(make_domain) -> None:
    """The objective is symmetric about x0 = 0.5, so UCB ties each point with its mirror image;
    the constraint holds on the left only, and the proposal is there."""
    X = np.array([[0.1, 0.5], [0.3, 0.5], [0.5, 0.5], [0.7, 0.5], [0.9, 0.5], [0.5, 0.1], [0.5, 0.9]])
    loss = -((X[:, 0] - 0.5) ** 2) + 0.1 * (X[:, 1] - 0.5) ** 2
    slack = X[:, 0] - 0.5
    x = Proposer(make_domain(2), acquisition="UCB").propose(
        X, loss, np.random.default_rng(0), constraints=[ConstraintData(X, slack)], satisfied=slack <= 0)
    assert x is not None and np.all(np.isfinite(x)) and x[0] < 0.5
    unconstrained = Proposer(make_domain(2), acquisition="UCB").propose(X, loss, np.random.default_rng(0))
    assert unconstrained is not None and np.all(np.isfinite(unconstrained))
