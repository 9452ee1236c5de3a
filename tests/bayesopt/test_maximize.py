import numpy as np

from hypered.bayesopt.domain import discrete_levels
from hypered.bayesopt.maximize import Excluded, discrete_neighbours, maximize_acquisition

TARGET = np.array([0.3, 0.8, 0.75, 0.0, 1.0, 0.0])  # continuous x2, integer (5 levels), cat (3)


def quadratic(X):  # peak at TARGET; the maximizer must find every kind of column
    return -np.sum((X - TARGET) ** 2, axis=1)


def quadratic_and_grad(x):
    return float(quadratic(x[None, :])[0]), -2.0 * (x - TARGET)


def test_finds_the_maximum_over_a_mixed_domain(make_domain, rng):
    domain = make_domain(2, integer_levels=(5,), category_sizes=(3,))
    seeds = domain.project(rng.random((3, 6)))
    x = maximize_acquisition(quadratic, quadratic_and_grad, domain, seeds, rng, restarts=3)
    np.testing.assert_allclose(x, TARGET, atol=1e-4)
    np.testing.assert_array_equal(domain.project(x[None, :])[0], x)


def test_never_returns_an_excluded_point_and_none_when_exhausted(make_domain, rng):
    domain = make_domain(0, integer_levels=(2,), category_sizes=(2,))
    all_points = np.array([[a, 1.0 - b, b] for a in (0.0, 1.0) for b in (0.0, 1.0)])

    def score(X):
        return X[:, 0] + X[:, 1]

    def score_grad(x):
        return float(score(x[None, :])[0]), np.zeros_like(x)

    seeds = all_points[:1]
    best = maximize_acquisition(score, score_grad, domain, seeds, rng, restarts=2)
    np.testing.assert_array_equal(best, [1.0, 1.0, 0.0])
    for used in range(1, 4):
        x = maximize_acquisition(score, score_grad, domain, seeds, rng, restarts=2, X_exclude=all_points[:used])
        assert x is not None
        assert not Excluded(all_points[:used])(x[None, :])[0]
    assert maximize_acquisition(score, score_grad, domain, seeds, rng, restarts=2, X_exclude=all_points) is None


def test_excluded_uses_a_tolerance():
    excluded = Excluded(np.array([[0.5, 0.5]]))
    got = excluded(np.array([[0.5 + 1e-12, 0.5], [0.5 + 1e-6, 0.5]]))
    np.testing.assert_array_equal(got, [True, False])
    assert not Excluded(None)(np.zeros((2, 2))).any()


def test_discrete_neighbours_move_one_column_and_stay_feasible(make_domain):
    domain = make_domain(1, integer_levels=(5,), category_sizes=(3,))
    x = np.array([0.4, 0.5, 0.0, 1.0, 0.0])
    moves = discrete_neighbours(domain, x, discrete_levels(domain))
    assert len(moves) == 4 + 2
    np.testing.assert_array_equal(domain.project(moves), moves)
    assert np.all(np.sum(moves != x, axis=1) <= 2)  # one integer, or one one-hot swap
    assert np.all(moves[:, 0] == 0.4)


def test_large_finite_space_finds_its_last_unexcluded_point(make_domain, rng):
    domain = make_domain(0, integer_levels=(17, 17, 17))  # 4913 points: more than one batch
    grid = np.stack(np.meshgrid(*[np.linspace(0, 1, 17)] * 3, indexing="ij"), -1).reshape(-1, 3)
    last = grid[1234]
    exclude = np.delete(grid, 1234, axis=0)

    def score(X):
        return -X.sum(axis=1)

    def score_grad(x):
        return float(score(x[None, :])[0]), -np.ones_like(x)

    x = maximize_acquisition(score, score_grad, domain, grid[:2], rng, restarts=2, X_exclude=exclude)
    np.testing.assert_array_equal(x, last)
    assert maximize_acquisition(score, score_grad, domain, grid[:2], rng, restarts=2, X_exclude=grid) is None
    free = maximize_acquisition(score, score_grad, domain, grid[:2], rng, restarts=2)
    np.testing.assert_array_equal(free, [0.0, 0.0, 0.0])  # found by discrete local search


def test_reflect_folds_points_back_into_the_cube():
    from hypered.bayesopt.maximize import reflect
    np.testing.assert_allclose(reflect(np.array([[1.1, -0.05, 0.4, 2.3]])), [[0.9, 0.05, 0.4, 0.3]])


def test_an_acquisition_rising_towards_a_face_is_not_maximized_on_it_from_far_inside(make_domain, rng):
    """L-BFGS-B runs stay near their start, so a gentle slope does not pull the point to x = 1."""
    from hypered.bayesopt.maximize import continuous_step
    def slope(x):
        return float(x[0]), np.array([1.0, 0.0])

    columns = np.array([0, 1])
    np.testing.assert_allclose(continuous_step(slope, np.array([0.5, 0.5]), columns), [0.6, 0.5])
    np.testing.assert_allclose(continuous_step(slope, np.array([0.9, 0.5]), columns), [0.95, 0.5])
    np.testing.assert_allclose(continuous_step(slope, np.array([0.97, 0.5]), columns), [1.0, 0.5])


def test_a_boundary_optimum_is_reached_from_an_observed_point_near_it(make_domain, rng):
    domain = make_domain(3)

    def corner(X):
        return np.sum(X, axis=1)

    def corner_grad(x):
        return float(np.sum(x)), np.ones(3)

    x = maximize_acquisition(corner, corner_grad, domain, np.array([[0.97, 0.96, 0.98]]), rng, restarts=3)
    np.testing.assert_allclose(x, [1.0, 1.0, 1.0])
