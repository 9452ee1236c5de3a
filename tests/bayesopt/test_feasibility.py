"""Outcome constraints' GPs: log P(feasible), its gradient, and the Proposer weighting by it."""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from hypered.bayesopt import KERNELS, ConstraintData, Proposer
from hypered.bayesopt.feasibility import fit_feasibility, slack_targets


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
