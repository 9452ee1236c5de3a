"""The map between a search space's values and the unit cube the optimizer works in.

Columns, in variable order: a real or integer takes one column in [0, 1]
(log-scaled when `log=True`); a categorical with k choices takes k one-hot columns.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .variables import Categorical, Integer, Real, Variable


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
        total = 1
        for _, var in self.variables:
            if isinstance(var, Real):
                return None
            total *= var.size if isinstance(var, Integer) else len(var.choices)
        return total

    def encode(self, values: Sequence[Mapping[str, Any]]) -> np.ndarray:  # -> (m, d)
        """Points of the unit cube for a list of value dicts."""
        X = np.zeros((len(values), self.n_dims))
        for row, point in enumerate(values):
            for cols, (name, var) in zip(self.slices, self.variables):
                if isinstance(var, Categorical):
                    X[row, cols.start + var.index(point[name])] = 1.0
                else:
                    X[row, cols.start] = _to_unit(var, float(point[name]))
        return X

    def decode(self, X: np.ndarray) -> list[dict[str, Any]]:  # X: (m, d)
        """Value dicts for points of the cube (rounding integers, argmax of one-hot blocks)."""
        columns: dict[str, list[Any]] = {}
        for cols, (name, var) in zip(self.slices, self.variables):
            if isinstance(var, Categorical):
                picks = np.argmax(X[:, cols], axis=1)
                columns[name] = [var.choices[i] for i in picks]
            elif isinstance(var, Integer):
                ints = np.clip(np.rint(_from_unit(var, X[:, cols.start])), var.low, var.high)
                columns[name] = [int(v) for v in ints]
            else:
                reals = np.clip(_from_unit(var, X[:, cols.start]), var.low, var.high)
                columns[name] = [float(v) for v in reals]
        return [{name: columns[name][i] for name, _ in self.variables} for i in range(len(X))]

    def project(self, X: np.ndarray) -> np.ndarray:  # (m, d) -> (m, d)
        """The nearest feasible points: integers rounded, one-hot argmax; idempotent."""
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
