"""The map between a search space's values and the unit cube the optimizer works in.

Columns, in variable order: a real or integer takes one column in [0, 1]
(log-scaled when `log=True`); a categorical with k choices takes k one-hot columns.

A variable of a conditional branch that a point does not take is inactive there: its column
holds INACTIVE (a categorical's block is all zeros). Every point without the variable thus
agrees on it, so the GP learns nothing from it (imputation, Lévesque et al. 2017), and
`project` puts proposals there too: the optimizer only ever sees consistent points.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .conditions import Conditions, active_flags
from .variables import Categorical, Integer, Real, Variable

INACTIVE = 0.5  # the column of an inactive real or integer: the middle, never far from an active value


def _to_unit(var: Real | Integer, value: float) -> float:
    if var.log:
        return (math.log(value) - math.log(var.low)) / (math.log(var.high) - math.log(var.low))
    return (value - var.low) / (var.high - var.low)


def _from_unit(var: Real | Integer, u: np.ndarray) -> np.ndarray:  # (m,) -> (m,)
    u = np.clip(u, 0.0, 1.0)
    if var.log:
        lo, hi = math.log(var.low), math.log(var.high)
        values = np.exp(lo + u * (hi - lo))
    else:
        values = var.low + u * (var.high - var.low)
    # the ends map to the bounds exactly (exp(log(1e-4)) is not 1e-4 in floating point)
    return np.where(u <= 0.0, var.low, np.where(u >= 1.0, var.high, values))


@dataclass(frozen=True)
class Encoding:
    """Encodes values of `variables` as points of [0, 1]^n_dims and back."""

    variables: tuple[tuple[str, Variable], ...]
    conditions: Conditions = ()  # one per variable (see space.conditions); () when none is conditional

    @property
    def slices(self) -> tuple[slice, ...]:
        """The columns of each variable."""
        out, start = [], 0
        for _, var in self.variables:
            width = len(var.choices) if isinstance(var, Categorical) else 1
            out.append(slice(start, start + width))
            start += width
        return tuple(out)

    @property
    def n_dims(self) -> int:
        return self.slices[-1].stop if self.variables else 0

    @property
    def discrete_columns(self) -> tuple[int, ...]:
        return tuple(s.start for s, (_, v) in zip(self.slices, self.variables) if isinstance(v, Integer))

    @property
    def categorical_groups(self) -> tuple[tuple[int, ...], ...]:
        return tuple(
            tuple(range(s.start, s.stop))
            for s, (_, v) in zip(self.slices, self.variables)
            if isinstance(v, Categorical)
        )

    @property
    def size(self) -> int | None:
        """How many distinct configurations exist, or None when a real makes it infinite."""
        if any(isinstance(var, Real) for _, var in self.variables):
            return None
        return self._count(None)

    def _count(self, parent: tuple[int, int] | None) -> int:
        """Configurations of the variables directly under `parent` (variable, choice); None: the top."""
        total = 1
        for i, (_, var) in enumerate(self.variables):
            condition = self.conditions[i] if self.conditions else None
            here = None if condition is None else (condition.parent, condition.choice)
            if here != parent:
                continue
            if isinstance(var, Categorical) and var.conditional:
                total *= sum(self._count((i, c)) for c in range(len(var.choices)))
            elif isinstance(var, Categorical):
                total *= len(var.choices)
            elif isinstance(var, Integer):
                total *= var.size
        return total

    def encode(self, values: Sequence[Mapping[str, Any]]) -> np.ndarray:  # -> (m, d)
        """Points of the unit cube for a list of value dicts (a branch's variables only where taken)."""
        X = np.zeros((len(values), self.n_dims))
        for row, point in enumerate(values):
            flags = active_flags(self.variables, self.conditions, point)
            for cols, (name, var), on in zip(self.slices, self.variables, flags):
                if not on:
                    if not isinstance(var, Categorical):
                        X[row, cols.start] = INACTIVE
                elif isinstance(var, Categorical):
                    X[row, cols.start + var.index(point[name])] = 1.0
                else:
                    X[row, cols.start] = _to_unit(var, float(point[name]))
        return X

    def active(self, X: np.ndarray) -> np.ndarray:  # (m, d) -> (m, n_variables) bool
        """Which variables each point has: a branch's where its categorical takes that choice."""
        on = np.ones((len(X), len(self.variables)), dtype=bool)
        for i, condition in enumerate(self.conditions):
            if condition is not None:
                column = self.slices[condition.parent].start + condition.choice
                on[:, i] = on[:, condition.parent] & (X[:, column] == 1.0)
        return on

    def active_columns(self, X: np.ndarray) -> np.ndarray:  # (m, d) -> (m, d) bool
        """Which columns each (projected) point uses; the others are held at their inactive value."""
        on = self.active(X)
        widths = [s.stop - s.start for s in self.slices]
        return np.repeat(on, widths, axis=1)

    def decode(self, X: np.ndarray) -> list[dict[str, Any]]:  # X: (m, d)
        """Value dicts for points of the cube (rounding integers, argmax of one-hot blocks), each
        with the variables of the branches it takes."""
        columns: list[list[Any]] = []
        for cols, (_, var) in zip(self.slices, self.variables):
            if isinstance(var, Categorical):
                picks = np.argmax(X[:, cols], axis=1)
                columns.append([var.choices[i] for i in picks])
            elif isinstance(var, Integer):
                ints = np.clip(np.rint(_from_unit(var, X[:, cols.start])), var.low, var.high)
                columns.append([int(v) for v in ints])
            else:
                reals = np.clip(_from_unit(var, X[:, cols.start]), var.low, var.high)
                columns.append([float(v) for v in reals])
        on = self.active(self.project(X)) if self.conditions else np.ones((len(X), len(columns)), dtype=bool)
        return [{name: columns[j][i] for j, (name, _) in enumerate(self.variables) if on[i, j]}
                for i in range(len(X))]

    def project(self, X: np.ndarray) -> np.ndarray:  # (m, d) -> (m, d)
        """The nearest feasible points: integers rounded, one-hot argmax, inactive columns at
        INACTIVE (zeros for a categorical); idempotent."""
        out = self.round(X)
        if not self.conditions:
            return out
        on = self.active(out)  # parents come first, so a branch sees its parent's final block
        for i, (cols, (_, var)) in enumerate(zip(self.slices, self.variables)):
            off = ~on[:, i]
            if isinstance(var, Categorical):
                out[np.ix_(off, np.arange(cols.start, cols.stop))] = 0.0
            else:
                out[off, cols.start] = INACTIVE
        return out

    def round(self, X: np.ndarray) -> np.ndarray:  # (m, d) -> (m, d)
        """`project` without the conditions: integers rounded, one-hot argmax (finds an integer's levels)."""
        out: np.ndarray = np.clip(np.asarray(X, dtype=float), 0.0, 1.0).copy()
        for cols, (_, var) in zip(self.slices, self.variables):
            if isinstance(var, Categorical):
                block = np.zeros((len(out), cols.stop - cols.start))
                block[np.arange(len(out)), np.argmax(out[:, cols], axis=1)] = 1.0
                out[:, cols] = block
            elif isinstance(var, Integer):
                ints = np.clip(np.rint(_from_unit(var, out[:, cols.start])), var.low, var.high)
                if var.log:
                    lo, hi = math.log(var.low), math.log(var.high)
                    out[:, cols.start] = (np.log(ints) - lo) / (hi - lo)
                else:
                    out[:, cols.start] = (ints - var.low) / (var.high - var.low)
        return out
