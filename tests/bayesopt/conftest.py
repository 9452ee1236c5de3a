"""Shared builders for bayesopt tests: domains with a real `project`."""

from __future__ import annotations

import numpy as np
import pytest

from hypered.bayesopt import Domain


def build_domain(
    n_continuous: int, integer_levels: tuple[int, ...] = (), category_sizes: tuple[int, ...] = ()
) -> Domain:
    """Continuous columns first, then integers (k evenly spaced levels), then one-hot groups."""
    integer_columns = tuple(range(n_continuous, n_continuous + len(integer_levels)))
    start = n_continuous + len(integer_levels)
    groups = []
    for size in category_sizes:
        groups.append(tuple(range(start, start + size)))
        start += size

    def project(X: np.ndarray) -> np.ndarray:
        X = np.clip(np.array(X, dtype=float), 0.0, 1.0)
        for column, levels in zip(integer_columns, integer_levels):
            X[:, column] = np.round(X[:, column] * (levels - 1)) / (levels - 1)
        for group in groups:
            chosen = np.argmax(X[:, list(group)], axis=1)
            X[:, list(group)] = 0.0
            X[np.arange(len(X)), np.array(group)[chosen]] = 1.0
        return X

    return Domain(start, integer_columns, tuple(groups), project)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


@pytest.fixture
def make_domain():
    """build_domain(n_continuous, integer_levels=(...), category_sizes=(...)) -> Domain."""
    return build_domain
