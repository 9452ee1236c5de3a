import numpy as np
import pytest

from hypered.bayesopt import (
    ACQUISITIONS,
    DEFAULT_KERNEL,
    KERNELS,
    PENDING_STRATEGIES,
    ConstraintData,
    Proposer,
    chebyshev,
    condition,
    gp_targets,
    normalize,
    random_weights,
)
from hypered.bayesopt.proposer import PRIOR_MEAN, _value_and_grad, _values
from hypered.bayesopt.scalarize import PAREGO_CONCENTRATION
from hypered.bayesopt.warp import clip_outliers, warp_outputs


def branin(X):  # Branin-Hoo on the unit cube; minimum 0.397887
    x1, x2 = 15 * X[:, 0] - 5, 15 * X[:, 1]
    b, c = 5.1 / (4 * np.pi**2), 5 / np.pi
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * np.pi)) * np.cos(x1) + 10


def assert_feasible(domain, x):
    assert x is not None and x.shape == (domain.n_dims,)
    np.testing.assert_array_equal(domain.project(x[None, :])[0], x)


def test_unknown_names_list_the_valid_ones(make_domain):
    domain = make_domain(2)
    with pytest.raises(ValueError, match="Matern32.*RBF"):
        Proposer(domain, kernel="Linear")
    with pytest.raises(ValueError, match="EI.*PI.*UCB"):
        Proposer(domain, acquisition="KG")
    assert DEFAULT_KERNEL in KERNELS and "EI" in ACQUISITIONS


@pytest.mark.parametrize("kernel", ["Matern52", "Matern", "Matern32", "RBF"])
@pytest.mark.parametrize("acquisition", ["EI", "UCB", "PI"])
def test_proposals_are_feasible_on_a_mixed_domain(make_domain, kernel, acquisition, rng):
    domain = make_domain(2, integer_levels=(4,), category_sizes=(3,))
    X = domain.project(rng.random((8, domain.n_dims)))
    y = np.sum((X - 0.4) ** 2, axis=1)
    proposer = Proposer(domain, kernel=kernel, acquisition=acquisition, restarts=2)
    x = proposer.propose(X, y, rng, X_exclude=X)
    assert_feasible(domain, x)
    assert not np.any(np.all(np.abs(X - x) < 1e-9, axis=1))


def test_small_finite_space_is_exhausted_then_none(make_domain, rng):
    domain = make_domain(0, integer_levels=(2,), category_sizes=(2,))  # 4 points
    proposer = Proposer(domain)
    X = domain.project(np.array([[0.0, 1.0, 0.0]]))
    y = np.array([1.0])
    for _ in range(3):
        x = proposer.propose(X, y, rng, X_exclude=X)
        assert_feasible(domain, x)
        assert not np.any(np.all(X == x, axis=1))
        X, y = np.vstack([X, x]), np.append(y, x.sum())
    assert len(np.unique(X, axis=0)) == 4
    assert proposer.propose(X, y, rng, X_exclude=X) is None


def test_excluded_pending_points_are_not_proposed(make_domain, rng):
    domain = make_domain(0, integer_levels=(3,), category_sizes=(3,))  # 9 points
    X = domain.project(rng.random((4, domain.n_dims)))
    y = rng.normal(size=4)
    pending = np.array([[0.5, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 1.0]])
    exclude = np.vstack([X, pending])
    for seed in range(4):
        x = Proposer(domain).propose(X, y, np.random.default_rng(seed), X_pending=pending, X_exclude=exclude)
        assert_feasible(domain, x)
        assert not np.any(np.all(np.abs(exclude - x) < 1e-9, axis=1))


def test_same_seed_same_proposal(make_domain):
    domain = make_domain(3, integer_levels=(5,), category_sizes=(2,))
    data_rng = np.random.default_rng(7)
    X = domain.project(data_rng.random((12, domain.n_dims)))
    y = np.sin(3 * X[:, 0]) + X[:, 3]
    first = Proposer(domain).propose(X, y, np.random.default_rng(3))
    second = Proposer(domain).propose(X, y, np.random.default_rng(3))
    np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize("pending", PENDING_STRATEGIES)
def test_pending_points_push_the_next_proposal_away(make_domain, pending):
    domain = make_domain(2)
    data_rng = np.random.default_rng(1)
    X = data_rng.random((8, 2))
    y = branin(X)
    first = Proposer(domain, pending=pending).propose(X, y, np.random.default_rng(0))
    again = Proposer(domain, pending=pending).propose(X, y, np.random.default_rng(0), X_pending=first[None, :])
    assert np.linalg.norm(again - first) > 0.05


@pytest.mark.parametrize("pending", PENDING_STRATEGIES)
def test_three_pending_points_on_a_mixed_domain(make_domain, pending, rng):
    domain = make_domain(2, integer_levels=(4,), category_sizes=(3,))
    X = domain.project(rng.random((10, domain.n_dims)))
    y = np.sum((X - 0.3) ** 2, axis=1)
    pending_points = domain.project(rng.random((3, domain.n_dims)))
    exclude = np.vstack([X, pending_points])
    x = Proposer(domain, pending=pending).propose(X, y, rng, X_pending=pending_points, X_exclude=exclude)
    assert_feasible(domain, x)
    assert not np.any(np.all(np.abs(exclude - x) < 1e-9, axis=1))


def test_averaged_acquisition_gradient_matches_finite_differences(make_domain, rng):
    domain = make_domain(3)
    X = rng.random((12, 3))
    y = np.sum((X - 0.3) ** 2, axis=1)
    proposer = Proposer(domain, pending="samples")
    proposer.propose(X, y, rng)  # fits the hyperparameters
    gp = condition(proposer.kernel, proposer._params, X, warp_outputs(y) - PRIOR_MEAN)
    models = proposer._with_fantasies(gp, rng.random((3, 3)), rng)
    assert len(models) > 1 and len({float(m.y[-1]) for m in models}) == len(models)  # distinct samples
    scored = [(m, float(np.min(m.y))) for m in models]  # each model with its best y, as propose pairs them
    x = np.array([0.35, 0.6, 0.2])
    evaluate = proposer.acquisition.evaluate
    value, grad = _value_and_grad(evaluate, scored, x)
    assert value == pytest.approx(float(_values(evaluate, scored, x[None, :])[0]), rel=1e-9)
    step = 1e-6
    numeric = [(_values(evaluate, scored, (x + step * e)[None, :])[0]
                - _values(evaluate, scored, (x - step * e)[None, :])[0]) / (2 * step) for e in np.eye(3)]
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-6)


def test_unknown_pending_strategy_is_rejected(make_domain):
    with pytest.raises(ValueError, match="believer.*samples"):
        Proposer(make_domain(2), pending="optimist")
    with pytest.raises(ValueError, match="needs acquisition='EI'"):
        Proposer(make_domain(2), pending="samples", acquisition="UCB")


@pytest.mark.parametrize("case", ["constant", "duplicates", "single", "tiny", "huge", "outlier", "infinite"])
def test_degenerate_data_still_gives_a_feasible_proposal(make_domain, case, rng):
    domain = make_domain(2, integer_levels=(3,))
    X = domain.project(rng.random((10, 3)))
    y = branin(X)
    if case == "constant":
        y = np.full(10, 3.0)
    elif case == "duplicates":
        X, y = np.vstack([X, X, X]), np.concatenate([y, y, y + 1e-3])
    elif case == "single":
        X, y = X[:1], y[:1]
    elif case == "tiny":
        y = 1e-12 * y
    elif case == "huge":
        y = 1e12 * y
    elif case == "outlier":
        y[3] = 1e30
    elif case == "infinite":
        y[3] = np.inf
    x = Proposer(domain).propose(X, y, rng, X_exclude=X)
    assert_feasible(domain, x)
    assert np.all(np.isfinite(x))


def test_scale_of_y_does_not_matter(make_domain):
    domain = make_domain(2)
    X = np.random.default_rng(2).random((10, 2))
    y = branin(X)
    tiny = Proposer(domain).propose(X, 1e-12 * y, np.random.default_rng(5))
    huge = Proposer(domain).propose(X, 1e12 * y, np.random.default_rng(5))
    np.testing.assert_allclose(tiny, huge, atol=1e-6)


def test_a_1e30_outlier_does_not_blind_the_model(make_domain, rng):
    domain = make_domain(1)
    X = np.linspace(0.0, 1.0, 9)[:, None]
    y = (X[:, 0] - 0.3) ** 2
    y[-1] = 1e30  # a failed trial imputed far away from the optimum
    proposer = Proposer(domain)
    for _ in range(3):
        x = proposer.propose(X, y, rng, X_exclude=X)
        X, y = np.vstack([X, x]), np.append(y, (x[0] - 0.3) ** 2)
    assert np.min(np.abs(X[9:, 0] - 0.3)) < 0.05


@pytest.mark.parametrize("d", [1, 20])
def test_one_and_twenty_dimensions(make_domain, d, rng):
    domain = make_domain(d)
    X = rng.random((15, d))
    y = np.sum((X - 0.5) ** 2, axis=1)
    x = Proposer(domain).propose(X, y, rng)
    assert_feasible(domain, x)
    assert np.all((0.0 <= x) & (x <= 1.0))


def test_fixed_lengthscale_and_warm_start(make_domain, rng):
    domain = make_domain(2)
    proposer = Proposer(domain, lengthscale=0.2)
    X = rng.random((6, 2))
    for _ in range(2):
        x = proposer.propose(X, branin(X), rng)
        X = np.vstack([X, x])
    assert_feasible(domain, x)


def test_bad_inputs_are_rejected(make_domain, rng):
    proposer = Proposer(make_domain(2))
    with pytest.raises(ValueError, match="X must be"):
        proposer.propose(np.zeros((3, 3)), np.zeros(3), rng)
    with pytest.raises(ValueError, match="NaN"):
        proposer.propose(np.zeros((2, 2)), np.array([1.0, np.nan]), rng)


def test_beats_random_search_on_branin(make_domain):
    domain = make_domain(2)
    rng = np.random.default_rng(2024)
    X = rng.random((5, 2))
    y = branin(X)
    proposer = Proposer(domain)
    for _ in range(20):
        x = proposer.propose(X, y, rng, X_exclude=X)
        X, y = np.vstack([X, x]), np.append(y, branin(x[None, :]))
    random_best = branin(np.random.default_rng(2024).random((25, 2))).min()
    assert y.min() < 0.6  # global minimum 0.398
    assert y.min() < 0.5 * random_best


def test_far_from_the_data_the_model_predicts_worse_than_average(make_domain, rng):
    domain = make_domain(8)
    X = rng.random((20, 8)) * 0.5 + 0.25  # the data fills the middle of the cube
    y = rng.normal(size=20)
    proposer = Proposer(domain, lengthscale=0.1)
    proposer.propose(X, y, rng)
    gp = condition(proposer.kernel, proposer._params, X, warp_outputs(y) - PRIOR_MEAN)
    mean, _ = gp.posterior(np.ones((1, 8)))  # a corner, many lengthscales from every point
    corner_in_warped_units = mean[0] + PRIOR_MEAN  # the warped y have mean 0
    assert PRIOR_MEAN > 0.0 and corner_in_warped_units == pytest.approx(PRIOR_MEAN, abs=1e-3)


def test_gp_targets_are_what_the_proposer_fits_and_map_back_to_the_loss(rng):
    loss = np.concatenate([rng.normal(5.0, 2.0, size=19), [1e30]])  # a failure imputed far away
    targets = gp_targets(loss)
    np.testing.assert_allclose(targets.y, warp_outputs(loss) - PRIOR_MEAN)
    back, _ = targets.to_loss(targets.y, np.zeros(20))
    np.testing.assert_allclose(back[:19], loss[:19])  # only the outlier was clipped
    assert back[19] < 1e3
    skewed = np.exp(rng.normal(size=30))  # a long bad tail: the warp compresses it
    targets = gp_targets(skewed)
    assert targets.lam < 1.0
    kept = skewed == clip_outliers(skewed)
    back, _ = targets.to_loss(targets.y, np.zeros(30))
    np.testing.assert_allclose(back[kept], skewed[kept])
    mean, h = np.array([0.3]), 1e-6  # the std in loss units: the delta method
    _, std = targets.to_loss(mean, np.array([0.01]))
    slope = (targets.to_loss(mean + h, np.zeros(1))[0] - targets.to_loss(mean - h, np.zeros(1))[0]) / (2 * h)
    np.testing.assert_allclose(std, 0.01 * slope, rtol=1e-5)
    flat = gp_targets(np.full(5, 2.5))
    np.testing.assert_allclose(flat.to_loss(flat.y, np.ones(5)), (np.full(5, 2.5), np.ones(5)))


def two_objectives(X):  # ZDT1-like on the unit cube: f1 = x0, f2 = g (1 - sqrt(x0 / g))
    g = 1.0 + 9.0 * np.mean(X[:, 1:], axis=1)
    return np.stack([X[:, 0], g * (1.0 - np.sqrt(X[:, 0] / g))], axis=1)


def test_several_objectives_take_turns_parego_then_one_gp_each(make_domain, rng):
    domain = make_domain(3, integer_levels=(4,))
    X = domain.project(rng.random((12, domain.n_dims)))
    F = normalize(two_objectives(X))
    for turn in (0, 1):
        x = Proposer(domain, warm_fits=False).propose_several(X, F, np.random.default_rng(5), turn, X_exclude=X)
        assert_feasible(domain, x)
        assert not np.any(np.all(np.abs(X - x) < 1e-9, axis=1))
    # an even turn is ParEGO: the single-objective proposal on the scalarized losses
    draws = np.random.default_rng(5)
    weights = random_weights(2, draws, PAREGO_CONCENTRATION)
    expected = Proposer(domain, warm_fits=False).propose(X, chebyshev(F, weights), draws, X_exclude=X)
    even = Proposer(domain, warm_fits=False).propose_several(X, F, np.random.default_rng(5), 0, X_exclude=X)
    np.testing.assert_array_equal(even, expected)


def test_one_gp_per_objective_is_deterministic_and_keeps_away_from_pending_points(make_domain):
    domain = make_domain(3)
    X = np.random.default_rng(6).random((10, 3))
    F = normalize(two_objectives(X))
    weights = np.array([0.5, 0.5])

    def proposal(pending=None):
        return Proposer(domain).propose_scalarized(X, F, weights, np.random.default_rng(7), X_pending=pending)

    first = proposal()
    np.testing.assert_array_equal(first, proposal())
    assert_feasible(domain, first)
    after = proposal(pending=first[None, :])
    assert np.max(np.abs(after - first)) > 1e-3


def test_one_gp_per_objective_weights_by_feasibility_and_uses_it_alone_until_a_row_is_feasible(make_domain, rng):
    domain = make_domain(2)
    X = rng.random((10, 2))
    F = normalize(two_objectives(np.hstack([X, X[:, :1]])))
    constraint = ConstraintData(X, X[:, 1] - 0.5)  # holds where x1 <= 0.5
    for satisfied in (X[:, 1] <= 0.5, np.zeros(len(X), dtype=bool)):
        x = Proposer(domain).propose_scalarized(X, F, np.array([0.5, 0.5]), np.random.default_rng(8),
                                                constraints=[constraint], satisfied=satisfied)
        assert_feasible(domain, x)
    with pytest.raises(ValueError, match=r"F must be \(n, 2\)"):
        Proposer(domain).propose_scalarized(X, F[:, :1], np.array([0.5, 0.5]), rng)
