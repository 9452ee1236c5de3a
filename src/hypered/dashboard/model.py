"""The model's view of a study: a GP fitted to its complete trials, as hypered's optimizer sees them.

Inputs are the unit-cube encoding of the sampled values (`space.Encoding`); the output is the
objective as a loss (negated when maximized), warped like the optimizer does (outlier clip, then
standardization) and shifted by the optimizer's prior mean (`bayesopt.gp_targets`), so away from the trials the model
expects worse than average, as the optimizer's does; predictions are mapped back to the objective
in the user's direction.
The kernel is the one the study used (stored in study.db; Matern 5/2 by default), one lengthscale per
unit-cube column (ARD).

Importance of a parameter is 1 / lengthscale (for a categorical, the largest over its one-hot
columns), normalized to sum to 1: a short lengthscale means the objective changes quickly along it.

A conditional space is rebuilt from the stored "when" of each branch variable, so the model
encodes trials as the optimizer did (a branch not taken at its fixed value); slices and contours
vary only the parameters the best trial has, and a name shared by branches counts once.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from threadpoolctl import ThreadpoolController

from ..bayesopt import (
    DEFAULT_KERNEL,
    KERNELS,
    FitSettings,
    GaussianProcess,
    GPTargets,
    condition,
    fit_params,
    gp_targets,
)
from ..errors import SpaceError
from ..objective import Direction
from ..space import Categorical, Condition, Encoding, Integer, Variable, active_flags, variable_from_dict
from ..trial import Trial, TrialState
from .cache import PerVersion
from .frame import clean, label
from .studies import Study

MIN_TRIALS = 3
MAX_CONDITION = 300  # rows the posterior is conditioned on (the best ones, then an even spread)
SLICE_POINTS = 60
CONTOUR_POINTS = 30
METHOD = ("Gaussian process ({kernel} kernel, one lengthscale per parameter) fitted to the complete "
          "trials as the study's optimizer fits it. Importance = 1 / lengthscale of each parameter (for a "
          "categorical, the largest over its one-hot columns), normalized to sum to 1.")


def method(study: Study) -> str:
    """How the model and importance of `study` are computed, for the page."""
    return METHOD.format(kernel=_kernel_name(study))


def _kernel_name(study: Study) -> str:
    """The study's kernel, or the default one when its settings name none we know."""
    return study.kernel if study.kernel in KERNELS else DEFAULT_KERNEL


class ModelUnavailable(Exception):
    """No model can be fitted (the reason is the message)."""


@dataclass(frozen=True)
class FittedModel:
    """A GP on a study's complete trials and the map from its standardized y to the objective."""

    encoding: Encoding
    gp: GaussianProcess
    targets: GPTargets  # the GP's y and the map back to the loss
    sign: float  # objective = sign * loss
    best_values: dict[str, Any]  # sampled values of the best trial
    best_x: np.ndarray  # (d,) its encoding
    n: int
    recommended: bool = False  # the "best trial" is the one the study recommends, not the best observed

    def predict(self, X_query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # (m, d) -> (m,), (m,)
        """Posterior mean and std of the objective, in the user's units and direction."""
        loss_mean, loss_std = self.targets.to_loss(*self.gp.posterior(X_query))
        return self.sign * loss_mean, loss_std


def fit(study: Study) -> FittedModel:
    """Fit the GP to the study's complete trials; ModelUnavailable saying why not."""
    encoding = _encoding(study)
    complete = [t for t in study.trials if t.state is TrialState.COMPLETE and t.value is not None
                and math.isfinite(t.value) and _has_its_branches(encoding, t.values)]
    if len(complete) < MIN_TRIALS:
        raise ModelUnavailable(f"the model needs {MIN_TRIALS} complete trials, "
                               f"this study has {len(complete)}")
    sign = 1.0 if study.objective.direction is Direction.MINIMIZE else -1.0
    try:
        X = encoding.encode([t.values for t in complete])  # (n, d)
    except (ValueError, TypeError) as err:
        raise ModelUnavailable(f"a trial's values do not fit the search space: {err}") from None
    loss = sign * np.array([t.value for t in complete], dtype=float)  # (n,)
    best, recommended = _centre(study, complete, loss)
    rows = _condition_rows(loss)
    X, loss = encoding.project(X[rows]), loss[rows]
    targets = gp_targets(loss)  # what the optimizer fits (bayesopt.Proposer.propose)
    kernel = KERNELS[_kernel_name(study)]
    rng = np.random.default_rng(0)
    params = fit_params(kernel, X, targets.y, rng, settings=FitSettings())  # the optimizer's own settings
    gp = condition(kernel, params, X, targets.y)
    best_values = complete[best].values
    return FittedModel(encoding, gp, targets, sign, best_values,
                       encoding.encode([best_values])[0], len(complete), recommended)


def _centre(study: Study, complete: list[Trial], loss: np.ndarray) -> tuple[int, bool]:
    """Index in `complete` of the trial the slices and the contour go through: the one the study
    recommends when it is not the best observed (a noisy objective's best posterior mean, as stored
    when the run ended), else the lowest loss; and whether it is the recommended one."""
    chosen = None if study.objectives else study.recommended
    observed = study.best_observed
    if chosen is not None and (observed is None or chosen.number != observed.number):
        for k, trial in enumerate(complete):
            if trial.number == chosen.number:
                return k, True
    return int(np.argmin(loss)), False


def _has_its_branches(encoding: Encoding, values: dict[str, Any]) -> bool:
    flags = active_flags(encoding.variables, encoding.conditions, values)
    return all(name in values for (name, _), on in zip(encoding.variables, flags) if on)


def _encoding(study: Study) -> Encoding:
    """The study's encoding, conditions rebuilt from each branch variable's stored "when"."""
    variables: list[tuple[str, Variable]] = []
    conditions: list[Condition | None] = []
    try:
        for name, spec in study.space.items():
            for variant, chain in _variants(spec):
                conditions.append(_condition(variables, chain))
                variables.append((name, variable_from_dict(variant)))
    except (SpaceError, KeyError, TypeError, ValueError) as err:
        raise ModelUnavailable(f"the study's search space cannot be read: {err}") from None
    if not variables:
        raise ModelUnavailable("the study has no search variables")
    conditional = any(c is not None for c in conditions)
    return Encoding(tuple(variables), tuple(conditions) if conditional else ())


def _variants(spec: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """(variable, when) of each definition of a stored name; when is None if always there."""
    if "when" not in spec:
        return [(spec, None)]
    variants = spec.get("variants") or [spec]
    return list(zip(variants, spec["when"], strict=True))


def _condition(variables: list[tuple[str, Variable]], chain: dict[str, Any] | None) -> Condition | None:
    """The Condition of a branch variable: the last categorical of its "when" takes its choice."""
    if not chain:
        return None
    parent_name, choice = list(chain.items())[-1]
    parent = max(i for i, (name, _) in enumerate(variables) if name == parent_name)
    var = variables[parent][1]
    if not isinstance(var, Categorical):
        raise ValueError(f"{parent_name} is not a categorical")
    return Condition(parent, var.index(choice))


def _condition_rows(loss: np.ndarray) -> np.ndarray:
    """All rows if few; else the best half of MAX_CONDITION and an even spread of the rest."""
    n = len(loss)
    if n <= MAX_CONDITION:
        return np.arange(n)
    order = np.argsort(loss, kind="stable")
    best = order[:MAX_CONDITION // 2]
    rest = np.sort(order[MAX_CONDITION // 2:])
    spread = rest[np.linspace(0, len(rest) - 1, MAX_CONDITION - len(best)).astype(int)]
    return np.sort(np.concatenate([best, spread]))


def importance(model: FittedModel) -> list[dict[str, Any]]:
    """Each parameter's normalized 1 / lengthscale, most important first."""
    inverse = 1.0 / model.gp.params.lengthscales  # (d,)
    raw: dict[str, float] = {}  # a name shared by branches: its largest
    for cols, (name, _) in zip(model.encoding.slices, model.encoding.variables):
        raw[name] = max(raw.get(name, 0.0), float(np.max(inverse[cols])))
    total = sum(raw.values()) or 1.0
    out = [{"name": name, "importance": r / total, "lengthscale": 1.0 / r} for name, r in raw.items()]
    return sorted(out, key=lambda item: -item["importance"])


def _at_best(model: FittedModel) -> list[int]:
    """The variables the best trial has (all of them unless the space is conditional)."""
    on = model.encoding.active(model.best_x[None, :])[0]
    return [i for i in range(len(model.encoding.variables)) if on[i]]


def _axis(var: Variable, points: int) -> tuple[list[Any], np.ndarray]:
    """Values along a variable (labels for categoricals) and their unit-cube encodings (k, width)."""
    if isinstance(var, Categorical):
        return [label(c) for c in var.choices], np.eye(len(var.choices))
    if isinstance(var, Integer) and var.size <= points:
        values: list[Any] = list(range(var.low, var.high + 1))
    elif var.log:
        values = np.geomspace(var.low, var.high, points).tolist()
    else:
        values = np.linspace(var.low, var.high, points).tolist()
    if isinstance(var, Integer):
        values = sorted({int(round(v)) for v in values})
    encoding = Encoding((("v", var),))
    return values, encoding.encode([{"v": v} for v in values])


def slices(model: FittedModel) -> list[dict[str, Any]]:
    """For each parameter: the posterior mean and std along it, the others at the best trial."""
    out = []
    best_mean = float(model.predict(model.best_x[None, :])[0][0])
    for i in _at_best(model):
        cols, (name, var) = model.encoding.slices[i], model.encoding.variables[i]
        values, block = _axis(var, SLICE_POINTS)
        X_query = np.repeat(model.best_x[None, :], len(values), axis=0)  # (k, d)
        X_query[:, cols] = block
        if model.encoding.conditions:  # another choice of a conditional categorical: its own branch
            X_query = model.encoding.project(X_query)
        mean, std = model.predict(X_query)
        best = model.best_values.get(name)
        out.append({
            "name": name,
            "type": "categorical" if isinstance(var, Categorical) else "numeric",
            "log": bool(getattr(var, "log", False)),
            "x": values,
            "mean": mean.tolist(),
            "std": std.tolist(),
            "best": label(best) if isinstance(var, Categorical) else best,
            "best_mean": best_mean,
            "recommended": model.recommended,
        })
    return out


def contour(model: FittedModel, x_name: str, y_name: str) -> dict[str, Any]:
    """The posterior mean over two parameters on a grid, the others at the best trial.

    KeyError if a name is not a parameter of the model.
    """
    index = {model.encoding.variables[i][0]: i for i in _at_best(model)}
    names = {name for name, _ in model.encoding.variables}
    if x_name not in names or y_name not in names or x_name == y_name:
        raise KeyError(f"give two different parameters of the study, got {x_name!r} and {y_name!r}")
    absent = [n for n in (x_name, y_name) if n not in index]
    if absent:
        raise ModelUnavailable(f"the best trial has no {absent[0]} (a branch it does not take); the contour "
                               "varies two parameters around the best trial: choose others")
    (x_cols, (_, x_var)), (y_cols, (_, y_var)) = (
        (model.encoding.slices[index[n]], model.encoding.variables[index[n]]) for n in (x_name, y_name))
    x_values, x_block = _axis(x_var, CONTOUR_POINTS)
    y_values, y_block = _axis(y_var, CONTOUR_POINTS)
    X_query = np.repeat(model.best_x[None, :], len(x_values) * len(y_values), axis=0)
    X_query[:, x_cols] = np.tile(x_block, (len(y_values), 1))
    X_query[:, y_cols] = np.repeat(y_block, len(x_values), axis=0)
    if model.encoding.conditions:
        X_query = model.encoding.project(X_query)
    mean, _ = model.predict(X_query)
    grid: dict[str, Any] = clean({"x": x_values, "y": y_values,
                                  "z": mean.reshape(len(y_values), len(x_values)).tolist()})
    return grid


T = TypeVar("T")


class ModelCache:
    """One fit per (study, number of complete trials): polling never refits."""

    def __init__(self) -> None:
        self._fits: PerVersion[FittedModel | ModelUnavailable] = PerVersion()
        self._compute = threading.Lock()
        self._blas = ThreadpoolController()

    def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run model math one call at a time with one BLAS thread.

        As in the optimizer's Suggester: the GP's small matrix products run several times slower
        when BLAS threads fight over a busy machine's cores.
        """
        with self._compute, self._blas.limit(limits=1, user_api="blas"):
            return function(*args)

    def clear(self) -> None:
        self._fits.clear()

    def get(self, study: Study) -> FittedModel:
        """The study's fitted model; ModelUnavailable saying why there is none."""
        n = sum(t.state is TrialState.COMPLETE for t in study.trials)
        chosen = study.recommended  # stored when a run ends, with no new trial: the slices' centre
        key = (n, repr(study.space), study.objective, None if chosen is None else chosen.number)
        result = self._fits.get(study.name, key, lambda: self._fit(study))  # one fit per key; others wait
        if isinstance(result, ModelUnavailable):
            raise result
        return result

    def _fit(self, study: Study) -> FittedModel | ModelUnavailable:
        try:
            return self.run(fit, study)
        except ModelUnavailable as err:
            return err  # kept like a model: the same trials give the same reason
