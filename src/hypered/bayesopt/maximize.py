"""Maximizing an acquisition over a mixed domain; every point it scores is feasible.

1. Global pass: scrambled Sobol candidates plus perturbations of the best observed points,
   projected; excluded points dropped. A finite space (no continuous columns, at most
   `_FINITE_LIMIT` points) is enumerated instead, so exhaustion is detected exactly: every
   remaining point is scored if there are few, else a random subset of them.
2. From the best `restarts` candidates: L-BFGS-B over the continuous columns, alternating with a
   discrete local search (neighbouring levels of each integer column, every value of each
   categorical group) until neither improves.

Neither step is drawn to the box's faces, where the posterior std of a stationary GP is largest
(on Hartmann6, whose optimum is interior, a fifth of the proposals had half their coordinates on
a face). Exploration stays inside: the Sobol candidates fill [m, 1 - m]^d, m = `_FACE_MARGIN`,
and an L-BFGS-B run that starts there does not cross into the margin. Faces are reached by local
moves from the best observed points: their perturbations are reflected back into the cube (not
clipped, which put a fifth of them exactly on a face), and a run from a point in the margin may
go to the face, as may the integer moves. Each run stays within `_LOCAL_RADIUS` of its start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.optimize
from scipy.spatial import cKDTree
from scipy.stats import qmc

from .domain import Domain, discrete_levels, enumerate_finite

Values = Callable[[np.ndarray], np.ndarray]  # X_query (m, d) -> (m,)
ValueAndGrad = Callable[[np.ndarray], tuple[float, np.ndarray]]  # x (d,) -> value, (d,)

EXCLUDE_TOL = 1e-9
_FINITE_LIMIT = 65536  # enumerate finite spaces up to this many points
_LEVEL_STEPS = (-2, -1, 1, 2)  # integer moves, in allowed positions
_PERTURB_SCALES = (0.01, 0.05, 0.2)
_LOCAL_ROUNDS = 4
_LBFGS_ITERS = 30
_LOCAL_RADIUS = 0.1  # per L-BFGS-B run, in unit-cube units around its start
_FACE_MARGIN = 0.05  # the band along each face that only local moves from observed points enter


@dataclass(frozen=True)
class SearchSettings:
    """Budget of the global pass."""

    log2_candidates: int = 11  # 2048 Sobol points
    n_seeds: int = 5  # best observed points to perturb
    perturbations_per_seed: int = 60


class Excluded:
    """Membership test against points that must not be proposed (max-abs distance <= tol)."""

    def __init__(self, X_exclude: np.ndarray | None) -> None:  # (q, d)
        has_points = X_exclude is not None and len(X_exclude) > 0
        self._tree = cKDTree(X_exclude) if has_points else None

    def __call__(self, X_query: np.ndarray) -> np.ndarray:  # (m, d) -> (m,) bool
        if self._tree is None or len(X_query) == 0:
            return np.zeros(len(X_query), dtype=bool)
        dist, _ = self._tree.query(X_query, k=1, p=np.inf, distance_upper_bound=EXCLUDE_TOL)
        return np.isfinite(dist)


def global_candidates(
    domain: Domain,
    X_seeds: np.ndarray,  # (k, d) best observed points, best first
    rng: np.random.Generator,
    settings: SearchSettings,
) -> np.ndarray:  # (m, d)
    """Projected Sobol points and perturbations of the seeds, deduplicated."""
    sobol = qmc.Sobol(domain.n_dims, scramble=True, seed=rng).random_base2(settings.log2_candidates)
    sobol = _FACE_MARGIN + (1.0 - 2.0 * _FACE_MARGIN) * sobol  # one-hot argmax is unchanged
    seeds = X_seeds[: settings.n_seeds]
    reps = settings.perturbations_per_seed
    scales = np.resize(np.array(_PERTURB_SCALES), reps)[:, None]  # (reps, 1)
    around = np.repeat(seeds, reps, axis=0)  # (k * reps, d)
    around = around + rng.normal(size=around.shape) * np.tile(scales, (len(seeds), 1))
    for group in domain.categorical_groups:  # re-draw a categorical with probability 1/4
        redraw = rng.random(len(around)) < 0.25
        chosen = rng.choice(np.array(group), size=int(redraw.sum()))
        rows = np.flatnonzero(redraw)
        around[rows[:, None], np.array(group)[None, :]] = 0.0
        around[rows, chosen] = 1.0
    points = np.vstack([sobol, reflect(around)])
    return np.unique(domain.project(points), axis=0)


def reflect(X: np.ndarray) -> np.ndarray:  # (m, d) -> (m, d)
    """Fold points back into [0, 1] at each face (1.1 -> 0.9, -0.05 -> 0.05)."""
    return 1.0 - np.abs(1.0 - np.mod(X, 2.0))


def discrete_neighbours(
    domain: Domain,
    x: np.ndarray,
    levels: tuple[np.ndarray, ...],  # x (d,)
) -> np.ndarray:  # (k, d)
    """Feasible points one move away: nearby levels of one integer column or one categorical."""
    moves = []
    for j, allowed in zip(domain.discrete_columns, levels):
        here = int(np.argmin(np.abs(allowed - x[j])))
        for step in _LEVEL_STEPS:
            if 0 <= here + step < len(allowed):
                moved = x.copy()
                moved[j] = allowed[here + step]
                moves.append(moved)
    for group in domain.categorical_groups:
        for column in group:
            if x[column] != 1.0:
                moved = x.copy()
                moved[list(group)] = 0.0
                moved[column] = 1.0
                moves.append(moved)
    if not moves:
        return np.empty((0, domain.n_dims))
    return domain.project(np.array(moves))


def continuous_step(
    value_and_grad: ValueAndGrad,
    x: np.ndarray,
    columns: np.ndarray,  # x (d,)
) -> np.ndarray:  # (d,)
    """L-BFGS-B over the continuous columns of x near x (see the module's docstring), the others fixed."""

    def negated(x_cont: np.ndarray) -> tuple[float, np.ndarray]:
        full = x.copy()
        full[columns] = x_cont
        value, grad = value_and_grad(full)
        return -value, -grad[columns]

    start = x[columns]
    inside = (start >= _FACE_MARGIN) & (start <= 1.0 - _FACE_MARGIN)  # such a run stays inside
    low = np.maximum(start - _LOCAL_RADIUS, np.where(inside, _FACE_MARGIN, 0.0))
    high = np.minimum(start + _LOCAL_RADIUS, np.where(inside, 1.0 - _FACE_MARGIN, 1.0))
    bounds = np.column_stack([low, high])
    result = scipy.optimize.minimize(
        negated,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": _LBFGS_ITERS},
    )
    moved = x.copy()
    moved[columns] = np.clip(result.x, 0.0, 1.0)
    return moved


def local_search(
    values: Values,
    value_and_grad: ValueAndGrad,
    domain: Domain,
    x: np.ndarray,  # (d,) feasible, not excluded
    score: float,
    levels: tuple[np.ndarray, ...],
    excluded: Excluded,
) -> tuple[np.ndarray, float]:
    """Alternate continuous L-BFGS-B and discrete moves while either improves the score."""
    for _ in range(_LOCAL_ROUNDS):
        improved = False
        columns = domain.continuous_columns
        if domain.active_columns is not None:  # a branch not taken keeps its columns at their fixed value
            columns = columns[domain.active_columns(x[None, :])[0, columns]]
        if columns.size:
            moved = domain.project(continuous_step(value_and_grad, x, columns)[None, :])
            moved_score = float(values(moved)[0])
            if moved_score > score and not excluded(moved)[0]:
                x, score, improved = moved[0], moved_score, True
        neighbours = discrete_neighbours(domain, x, levels)
        neighbours = neighbours[~excluded(neighbours)]
        if len(neighbours):
            scores = values(neighbours)
            best = int(np.argmax(scores))
            if scores[best] > score:
                x, score, improved = neighbours[best], float(scores[best]), True
        if not improved:
            break
    return x, score


def maximize_acquisition(
    values: Values,
    value_and_grad: ValueAndGrad,
    domain: Domain,
    X_seeds: np.ndarray,  # (k, d) best observed points, best first
    rng: np.random.Generator,
    *,
    restarts: int,
    X_exclude: np.ndarray | None = None,  # (q, d), already projected
    settings: SearchSettings | None = None,
) -> np.ndarray | None:  # (d,)
    """The feasible, non-excluded point of highest acquisition found, or None if none exists."""
    settings = settings or SearchSettings()
    excluded = Excluded(X_exclude)
    levels = discrete_levels(domain)
    finite = enumerate_finite(domain, levels, _FINITE_LIMIT)
    if finite is None:
        candidates = global_candidates(domain, X_seeds, rng, settings)
    else:
        candidates = finite
    candidates = candidates[~excluded(candidates)]
    if len(candidates) == 0:
        return None
    budget = 2**settings.log2_candidates
    exhaustive = finite is not None and len(candidates) <= budget
    if finite is not None and not exhaustive:
        candidates = candidates[np.sort(rng.choice(len(candidates), budget, replace=False))]
    scores = values(candidates)
    order = np.argsort(-scores, kind="stable")
    best_x, best_score = candidates[order[0]], float(scores[order[0]])
    if exhaustive:
        return best_x
    for start in order[: max(restarts, 1)]:
        x, score = local_search(
            values, value_and_grad, domain, candidates[start], float(scores[start]), levels, excluded
        )
        if score > best_score:
            best_x, best_score = x, score
    return best_x
