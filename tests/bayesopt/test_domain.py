import numpy as np
import pytest

from hypered.bayesopt import Domain
from hypered.bayesopt.domain import discrete_levels, enumerate_finite


def test_continuous_columns_are_the_rest(make_domain):
    domain = make_domain(2, integer_levels=(3,), category_sizes=(2, 3))
    np.testing.assert_array_equal(domain.continuous_columns, [0, 1])
    assert domain.n_dims == 8


def test_overlapping_columns_are_rejected():
    with pytest.raises(ValueError, match="distinct columns"):
        Domain(3, (0,), ((0, 1),), lambda X: X)
    with pytest.raises(ValueError, match="n_dims"):
        Domain(0, (), (), lambda X: X)


def test_discrete_levels_are_found_by_probing(make_domain):
    domain = make_domain(1, integer_levels=(2, 5))
    levels = discrete_levels(domain)
    np.testing.assert_allclose(levels[0], [0.0, 1.0])
    np.testing.assert_allclose(levels[1], [0.0, 0.25, 0.5, 0.75, 1.0])


def test_finite_space_is_enumerated_exactly(make_domain):
    domain = make_domain(0, integer_levels=(2,), category_sizes=(2,))
    points = enumerate_finite(domain, discrete_levels(domain), limit=100)
    assert points is not None and len(np.unique(points, axis=0)) == 4
    np.testing.assert_array_equal(domain.project(points), points)
    assert enumerate_finite(domain, discrete_levels(domain), limit=3) is None
    assert enumerate_finite(make_domain(1), (), limit=100) is None
