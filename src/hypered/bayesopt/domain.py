"""The feasible set of the unit cube: continuous, integer and one-hot categorical columns."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

_PROBE_POINTS = 1025  # a grid fine enough to find every allowed position of an integer column


@dataclass(frozen=True)
class Domain:
    """The feasible points of the unit cube [0, 1]^d.

    Attributes:
        n_dims: d, the number of columns.
        discrete_columns: integer-valued columns (a finite set of allowed positions in [0, 1]).
        categorical_groups: each categorical is a one-hot block of columns.
        project: (m, d) -> (m, d), the nearest feasible point: rounds integer columns, one-hot
            argmax per group, identity on continuous columns. Idempotent. In a conditional space
            it also holds the columns a point does not use at fixed values.
        round: (m, d) -> (m, d), `project` without holding unused columns (to find an integer
            column's levels); None when project is column-wise.
        active_columns: (m, d) -> (m, d) bool, the columns each feasible point uses (the others
            are held by project, so the local search leaves them alone); None: all.
    """

    n_dims: int
    discrete_columns: tuple[int, ...]
    categorical_groups: tuple[tuple[int, ...], ...]
    project: Callable[[np.ndarray], np.ndarray]
    round: Callable[[np.ndarray], np.ndarray] | None = None
    active_columns: Callable[[np.ndarray], np.ndarray] | None = None

    def __post_init__(self) -> None:
        if self.n_dims < 1:
            raise ValueError(f"Domain: n_dims must be >= 1, got {self.n_dims}")
        used = list(self.discrete_columns) + [c for g in self.categorical_groups for c in g]
        if len(set(used)) != len(used) or any(not 0 <= c < self.n_dims for c in used):
            raise ValueError(
                f"Domain: discrete_columns {self.discrete_columns} and categorical_groups "
                f"{self.categorical_groups} must be distinct columns in [0, {self.n_dims})"
            )

    @property
    def continuous_columns(self) -> np.ndarray:  # (d_cont,)
        """Columns that are neither integer nor categorical."""
        fixed = set(self.discrete_columns) | {c for g in self.categorical_groups for c in g}
        return np.array([c for c in range(self.n_dims) if c not in fixed], dtype=int)


def discrete_levels(domain: Domain) -> tuple[np.ndarray, ...]:
    """The allowed positions of each discrete column, found by projecting a fine grid."""
    if not domain.discrete_columns:
        return ()
    probe = np.full((_PROBE_POINTS, domain.n_dims), 0.5)
    probe[:, list(domain.discrete_columns)] = np.linspace(0.0, 1.0, _PROBE_POINTS)[:, None]
    projected = (domain.round or domain.project)(probe)
    return tuple(np.unique(projected[:, j]) for j in domain.discrete_columns)


def enumerate_finite(domain: Domain, levels: tuple[np.ndarray, ...], limit: int) -> np.ndarray | None:  # (size, d)
    """Every feasible point when there are no continuous columns and at most `limit` of them."""
    if domain.continuous_columns.size:
        return None
    sizes = [len(v) for v in levels] + [len(g) for g in domain.categorical_groups]
    if math.prod(sizes) > limit:
        return None
    choice = np.indices(sizes).reshape(len(sizes), -1).T  # (size, n_choices) level indices
    points = np.zeros((len(choice), domain.n_dims))
    for k, (column, allowed) in enumerate(zip(domain.discrete_columns, levels)):
        points[:, column] = allowed[choice[:, k]]
    rows = np.arange(len(choice))
    for k, group in enumerate(domain.categorical_groups, start=len(levels)):
        points[rows, np.array(group)[choice[:, k]]] = 1.0  # the chosen column of the group
    return domain.project(points)
