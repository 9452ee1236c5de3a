"""The Proposer: observed (X, y) in, the next feasible point to evaluate out.

The GP is fitted to `targets.gp_targets(y)`; its noise-robust incumbent and the recommendation
are in recommend.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import scipy.linalg
from scipy.special import logsumexp

from .acquisition import ACQUISITIONS, Acquisition, AcquisitionFn
from .chebyshev_ei import UTOPIA_MARGIN, ChebyshevEI, base_samples, scalarized_fit
from .domain import Domain
from .feasibility import (
    ConstraintData,
    FeasibilityModel,
    believed_feasible,
    fit_feasibility,
    log_feasibility,
    log_feasibility_grad,
)
from .fit import FitSettings, fit_params
from .gp import GaussianProcess, GPParams, condition, cross_covariance
from .kernels import KERNELS, Kernel
from .maximize import SearchSettings, ValueAndGrad, Values, maximize_acquisition
from .recommend import Choice, choose
from .scalarize import CENTRAL_CONCENTRATION, PAREGO_CONCENTRATION, chebyshev, random_weights
from .targets import PRIOR_MEAN, gp_targets  # noqa: F401  (PRIOR_MEAN: re-exported for tests)

DEFAULT_KERNEL = "Matern52"
_N_SEEDS = 5
_N_FANTASIES = 8  # posterior samples of the pending points, for pending="samples"

# How points under evaluation are fantasized (benchmarks/parallel.py compares them):
#   believer    at the posterior mean (kriging believer, Ginsbourger et al. 2010), the default
#   liar_worst  at the worst observed y (constant liar), liar_mean at the mean observed y
#   samples     at _N_FANTASIES joint posterior samples; the acquisition is EI averaged over them
#               (Snoek et al. 2012), _N_FANTASIES times the cost of the others
PENDING_STRATEGIES = ("believer", "liar_worst", "liar_mean", "samples")


T = TypeVar("T")


def _choose(kind: str, name: str, table: dict[str, T]) -> T:
    if name not in table:
        raise ValueError(f"unknown {kind} {name!r}; valid names: {', '.join(sorted(table))}")
    return table[name]


class Proposer:
    """Chooses the next point by GP Bayesian optimization (minimization).

    Its only state is the last fitted hyperparameters, which warm-start the next fit.
    """

    def __init__(
        self,
        domain: Domain,
        *,
        kernel: str = DEFAULT_KERNEL,
        lengthscale: float | None = None,
        acquisition: str = "EI",
        restarts: int = 5,
        pending: str = "believer",
        warm_fits: bool = True,
        power: bool = True,
    ) -> None:
        """Raises ValueError on an unknown kernel, acquisition or pending strategy (listing valid ones).

        `warm_fits=False` fits the objective's GP afresh each time: for targets that change
        between proposals (a new random scalarization of several objectives), where the last
        fit is no start and would make a resumed study choose otherwise than an uninterrupted one.
        `power=False` fits the objective's GP to the losses without the power transform
        (targets.gp_targets): for scalarized objectives, already rescaled so that the front spans
        [0, 1], where the transform measured worse (benchmarks/MULTI_OBJECTIVE.md).
        """
        self.domain = domain
        self.kernel: Kernel = _choose("kernel", kernel, KERNELS)
        self.acquisition: Acquisition = _choose("acquisition", acquisition, ACQUISITIONS)
        if lengthscale is not None and not lengthscale > 0.0:
            raise ValueError(f"lengthscale must be positive or None, got {lengthscale!r}")
        if restarts < 0:
            raise ValueError(f"restarts must be >= 0, got {restarts!r}")
        if pending not in PENDING_STRATEGIES:
            raise ValueError(f"unknown pending strategy {pending!r}; valid names: {', '.join(PENDING_STRATEGIES)}")
        if pending == "samples" and acquisition != "EI":
            raise ValueError("pending='samples' averages EI over fantasies: it needs acquisition='EI'")
        self.lengthscale = lengthscale
        self.restarts = restarts
        self.pending = pending
        self.warm_fits = warm_fits
        self.power = power
        self._params: GPParams | None = None
        self._constraint_params: list[GPParams | None] = []  # warm starts of the constraints' fits

    def propose(
        self,
        X: np.ndarray,  # (n, d) observed feasible points, n >= 1
        y: np.ndarray,  # (n,) raw values to minimize
        rng: np.random.Generator,
        X_pending: np.ndarray | None = None,  # (p, d) points under evaluation
        X_exclude: np.ndarray | None = None,  # (q, d) points that must not be proposed
        constraints: Sequence[ConstraintData] = (),  # one per outcome constraint
        satisfied: np.ndarray | None = None,  # (n,) bool: the rows of X that kept every constraint
    ) -> np.ndarray | None:  # (d,)
        """A feasible point not in X_exclude maximizing the acquisition, or None if none is left.

        Pending points are fantasized (see PENDING_STRATEGIES), so the proposal avoids them.
        With `constraints`, the acquisition is weighted by the probability that every constraint
        holds (feasibility.py): log a(x) + sum_c log P(c holds at x), with the incumbent taken
        among the rows of X that kept them (`satisfied`). While no row did, the proposal
        maximizes the probability of feasibility alone (Gelbart et al. 2014, Sec. 3). Pending
        points are fantasized for the constraints too, by the kriging believer, and those believed
        to keep every constraint join the incumbents (feasibility.py says why this spreads a batch).
        An acquisition not in log space (UCB) is weighted in its log form (acquisition.py).
        """
        X, y = self._checked(X, y)
        X = self.domain.project(X)  # the GP only ever sees feasible points
        y_std = gp_targets(y, self.power).y
        self._params = self._fit(X, y_std, rng, self._params if self.warm_fits else None)
        gp = condition(self.kernel, self._params, X, y_std)
        pending = None if X_pending is None or not len(X_pending) else self._projected(X_pending)
        fitted = [gp] if pending is None else self._with_fantasies(gp, pending, rng)
        # The incumbent is the lowest posterior mean at the observed points, not the lowest y: on
        # a noisy objective the lowest y is a lucky draw that EI would keep chasing (the plug-in
        # noisy EI of Picheny et al. 2013; Letham et al. 2019 integrate over it instead).
        feasibility = self._fit_constraints(constraints, rng)
        kept = np.ones(len(X), dtype=bool) if not feasibility or satisfied is None \
            else np.asarray(satisfied, dtype=bool)
        n = len(X)
        feasibility, rows = _believe_pending(feasibility, kept, pending)
        if not constraints:
            models = [(model, float(np.min(model.fitted_mean()))) for model in fitted]
        else:  # the incumbent is the best smoothed value among the trials that kept the constraints
            models = [(model, float(np.min(model.fitted_mean()[rows]))) for model in fitted] \
                if rows.any() else []
        order = np.lexsort((gp.fitted_mean(), ~kept)) if constraints else \
            np.argsort(gp.fitted_mean(), kind="stable")
        evaluate = self.acquisition.log_evaluate if feasibility else self.acquisition.evaluate
        scorer = _Scorer(lambda X_query: _values(evaluate, models, X_query),
                         lambda x: _value_and_grad(evaluate, models, x)) if models else None
        return self._maximize(scorer, feasibility, X[order[:_N_SEEDS]], rng, X_exclude, n)

    def propose_several(
        self,
        X: np.ndarray,  # (n, d) observed feasible points, n >= 1
        F: np.ndarray,  # (n, m) losses of m objectives, rescaled (scalarize.normalize)
        rng: np.random.Generator,
        turn: int,  # the suggestion's index: even and odd ones take turns
        X_pending: np.ndarray | None = None,  # (p, d) points under evaluation
        X_exclude: np.ndarray | None = None,  # (q, d) points that must not be proposed
        constraints: Sequence[ConstraintData] = (),  # one per outcome constraint
        satisfied: np.ndarray | None = None,  # (n,) bool: the rows of X that kept every constraint
    ) -> np.ndarray | None:  # (d,)
        """For several objectives, ParEGO and qNParEGO in turn (scalarize.py says why).

        Even turns: one GP on chebyshev(F, w) (Knowles 2006), w drawn toward the simplex's corners
        (scalarize.PAREGO_CONCENTRATION). Odd turns: one GP per objective and the EI of
        chebyshev(F - origin, w) under their posterior (propose_scalarized), w drawn toward the
        simplex's centre (scalarize.CENTRAL_CONCENTRATION).
        """
        m = np.shape(F)[1]
        if turn % 2 == 0:
            weights = random_weights(m, rng, PAREGO_CONCENTRATION)
            return self.propose(X, chebyshev(np.asarray(F, dtype=float), weights), rng, X_pending,
                                X_exclude, constraints, satisfied)
        weights = random_weights(m, rng, CENTRAL_CONCENTRATION)
        return self.propose_scalarized(X, F, weights, rng, X_pending, X_exclude, constraints, satisfied)

    def propose_scalarized(
        self,
        X: np.ndarray,  # (n, d) observed feasible points, n >= 1
        F: np.ndarray,  # (n, m) losses of m objectives, rescaled (scalarize.normalize)
        weights: np.ndarray,  # (m,) Chebyshev weights
        rng: np.random.Generator,
        X_pending: np.ndarray | None = None,  # (p, d) points under evaluation
        X_exclude: np.ndarray | None = None,  # (q, d) points that must not be proposed
        constraints: Sequence[ConstraintData] = (),  # one per outcome constraint
        satisfied: np.ndarray | None = None,  # (n,) bool: the rows of X that kept every constraint
    ) -> np.ndarray | None:  # (d,)
        """As `propose`, minimizing chebyshev(F - origin, weights) by qNParEGO (chebyshev_ei.py):
        one GP per objective, fitted afresh, and the log-EI of the scalarization under their joint
        posterior; the origin lies UTOPIA_MARGIN below the best of each column of F.

        Pending points are fantasized per objective; constraints weight the acquisition as in `propose`.
        """
        F = np.asarray(F, dtype=float)
        if F.ndim != 2 or F.shape[1] != len(weights):
            raise ValueError(f"propose_scalarized: F must be (n, {len(weights)}), got {F.shape}")
        X, _ = self._checked(X, F[:, 0])
        F = np.stack([self._checked(X, column)[1] for column in F.T], axis=1)
        X = self.domain.project(X)
        n = len(X)
        targets = [gp_targets(column, power=False) for column in F.T]  # ChebyshevEI samples in loss units
        gps = [condition(self.kernel, self._fit(X, t.y, rng, None), X, t.y) for t in targets]
        pending = None if X_pending is None or not len(X_pending) else self._projected(X_pending)
        fantasies = [[gp] if pending is None else self._with_fantasies(gp, pending, rng) for gp in gps]
        feasibility = self._fit_constraints(constraints, rng)
        kept = np.ones(n, dtype=bool) if not feasibility or satisfied is None \
            else np.asarray(satisfied, dtype=bool)
        feasibility, rows = _believe_pending(feasibility, kept, pending)
        origin = F.min(axis=0) - UTOPIA_MARGIN
        Z = base_samples(len(weights), rng)
        acquisitions = []
        if rows.any():  # the incumbent: among the kept rows and the pending ones believed feasible
            for joint in zip(*fantasies):
                incumbents = np.ones(len(joint[0].y), dtype=bool) if not constraints else rows
                acquisitions.append(ChebyshevEI.at(joint, targets, weights, origin, Z, incumbents))
        scorer = _Scorer(lambda X_query: _log_mean_exp([a.values(X_query) for a in acquisitions]),
                         lambda x: _log_mean_exp_grad([a.value_and_grad(x) for a in acquisitions])) \
            if acquisitions else None
        smoothed = scalarized_fit(gps, targets, weights, origin)
        order = np.lexsort((smoothed, ~kept)) if constraints else np.argsort(smoothed, kind="stable")
        return self._maximize(scorer, feasibility, X[order[:_N_SEEDS]], rng, X_exclude, n)

    def _maximize(self, scorer: _Scorer | None, feasibility: list[FeasibilityModel],
                  seeds: np.ndarray,  # (k, d) the best observed points, smoothed (the feasible ones first)
                  rng: np.random.Generator, X_exclude: np.ndarray | None, n: int) -> np.ndarray | None:  # (d,)
        """The point maximizing the acquisition plus sum_c log P(c holds) (the latter alone without a scorer)."""
        exclude = self._projected(X_exclude) if X_exclude is not None else None
        return maximize_acquisition(
            lambda X_query: _constrained_values(scorer, feasibility, X_query),
            lambda x: _constrained_value_and_grad(scorer, feasibility, x),
            self.domain,
            seeds,
            rng,
            restarts=self.restarts,
            X_exclude=exclude,
            settings=_search_settings(n),
        )

    def recommend(
        self,
        X: np.ndarray,  # (n, d) observed feasible points, n >= 1
        y: np.ndarray,  # (n,) raw values to minimize, finite
        rng: np.random.Generator,
        noisy: bool | None = None,  # None: judged from the fit; True/False: as declared
    ) -> Choice:
        """The row of X to recommend (recommend.choose), from a fresh fit that leaves no state."""
        X, y = self._checked(X, y)
        X = self.domain.project(X)
        targets = gp_targets(y)
        gp = condition(self.kernel, self._fit(X, targets.y, rng, None), X, targets.y)
        return choose(gp, targets, y, noisy)

    def _fit(self, X: np.ndarray, y_std: np.ndarray, rng: np.random.Generator,
             init: GPParams | None) -> GPParams:
        return fit_params(self.kernel, X, y_std, rng, init=init, fixed_lengthscale=self.lengthscale,
                          settings=FitSettings())

    def _checked(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float).reshape(-1)
        d = self.domain.n_dims
        if X.ndim != 2 or X.shape[1] != d or X.shape[0] < 1 or len(y) != X.shape[0]:
            raise ValueError(f"propose: X must be (n, {d}) with n >= 1 and y (n,), got X {X.shape}, y {y.shape}")
        if np.isnan(y).any():
            raise ValueError("propose: y contains NaN; impute failed trials before proposing")
        finite = np.isfinite(y)
        if not finite.all():  # +-inf -> the finite extremes (or 0 if nothing is finite)
            low, high = (y[finite].min(), y[finite].max()) if finite.any() else (0.0, 0.0)
            y = np.clip(np.nan_to_num(y, posinf=high, neginf=low), low, high)
        return X, y

    def _projected(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float).reshape(-1, self.domain.n_dims)
        return self.domain.project(X) if len(X) else X

    def _with_fantasies(self, gp: GaussianProcess, X_pending: np.ndarray,  # (p, d)
                        rng: np.random.Generator) -> list[GaussianProcess]:
        """The GP conditioned on fantasized values at X_pending: one model, or one per sample."""
        X_all = np.vstack([gp.X, X_pending])  # (n + p, d)
        if self.pending == "samples":
            fantasies = _posterior_samples(gp, X_pending, _N_FANTASIES, rng)  # (s, p)
        elif self.pending == "believer":
            fantasies = gp.posterior(X_pending)[0][None, :]
        else:
            lie = np.max(gp.y) if self.pending == "liar_worst" else np.mean(gp.y)
            fantasies = np.full((1, len(X_pending)), lie)
        first = condition(self.kernel, gp.params, X_all, np.concatenate([gp.y, fantasies[0]]))
        models = [first]
        for fantasy in fantasies[1:]:  # same inputs, so the same Cholesky factor: only alpha changes
            y = np.concatenate([gp.y, fantasy])
            models.append(dataclasses.replace(first, y=y, alpha=scipy.linalg.cho_solve((first.L, True), y)))
        return models

    def _fit_constraints(self, constraints: Sequence[ConstraintData],
                         rng: np.random.Generator) -> list[FeasibilityModel]:
        """One GP per constraint observed at least once, each warm-started from its last fit."""
        if len(self._constraint_params) != len(constraints):
            self._constraint_params = [None] * len(constraints)
        out = []
        for index, data in enumerate(constraints):
            if len(data.slack) == 0:
                continue  # no trial measured it yet: nothing to weight by
            X_c = self.domain.project(np.asarray(data.X, dtype=float).reshape(-1, self.domain.n_dims))
            model = fit_feasibility(self.kernel, ConstraintData(X_c, np.asarray(data.slack, dtype=float)),
                                    rng, self._constraint_params[index], self.lengthscale)
            self._constraint_params[index] = model.gp.params
            out.append(model)
        return out


def _values(evaluate: AcquisitionFn, models: list[tuple[GaussianProcess, float]],
            X_query: np.ndarray) -> np.ndarray:  # (m, d) -> (m,)
    """The acquisition at X_query, averaged over the models (log-mean-exp for log-EI)."""
    values = []
    for gp, best in models:
        mean, std = gp.posterior(X_query)
        values.append(evaluate(mean, std, best)[0])
    return _log_mean_exp(values)


def _value_and_grad(evaluate: AcquisitionFn, models: list[tuple[GaussianProcess, float]],
                    x: np.ndarray) -> tuple[float, np.ndarray]:
    pairs = []
    for gp, best in models:
        mean, std, dmean, dstd = gp.posterior_grad(x)
        value, d_mean, d_std = evaluate(np.array([mean]), np.array([std]), best)
        pairs.append((float(value[0]), d_mean[0] * dmean + d_std[0] * dstd))
    return _log_mean_exp_grad(pairs)


def _believe_pending(feasibility: list[FeasibilityModel], kept: np.ndarray,  # (n,) bool
                     X_pending: np.ndarray | None,  # (p, d)
                     ) -> tuple[list[FeasibilityModel], np.ndarray]:  # models, (n [+ p],) bool
    """The constraints' models believing their means at the pending points, and the incumbent rows:
    the observed ones that kept every constraint, then the pending ones believed to (feasibility.py)."""
    if X_pending is None:
        return feasibility, kept
    rows = np.concatenate([kept, believed_feasible(feasibility, X_pending)])
    return [model.believing(X_pending) for model in feasibility], rows


@dataclass(frozen=True)
class _Scorer:
    """An acquisition to maximize: at many points, and at one with its gradient."""

    values: Values
    value_and_grad: ValueAndGrad


def _constrained_values(scorer: _Scorer | None, feasibility: list[FeasibilityModel],
                        X_query: np.ndarray) -> np.ndarray:  # (m,)
    """The acquisition plus sum_c log P(c holds); the latter alone while nothing is feasible."""
    if not feasibility:
        assert scorer is not None  # without constraints every row is an incumbent
        return scorer.values(X_query)
    log_pof = log_feasibility(feasibility, X_query)
    return log_pof if scorer is None else scorer.values(X_query) + log_pof


def _constrained_value_and_grad(scorer: _Scorer | None, feasibility: list[FeasibilityModel],
                                x: np.ndarray) -> tuple[float, np.ndarray]:
    if not feasibility:
        assert scorer is not None
        return scorer.value_and_grad(x)
    log_pof, grad = log_feasibility_grad(feasibility, x)
    if scorer is None:
        return log_pof, grad
    value, value_grad = scorer.value_and_grad(x)
    return value + log_pof, value_grad + grad


def _log_mean_exp(values: list[np.ndarray]) -> np.ndarray:  # s arrays (m,) -> (m,)
    """Averages log acquisitions over fantasies: log mean exp (the one value itself when alone)."""
    if len(values) == 1:
        return values[0]
    return np.asarray(logsumexp(np.stack(values), axis=0) - np.log(len(values)))


def _log_mean_exp_grad(pairs: list[tuple[float, np.ndarray]]) -> tuple[float, np.ndarray]:
    """_log_mean_exp at one point, from each fantasy's (value, gradient (d,))."""
    if len(pairs) == 1:
        return pairs[0]
    values = np.array([v for v, _ in pairs])  # (s,)
    weights = np.exp(values - logsumexp(values))  # d log-mean-exp / d value_s
    grad = np.sum([w * g for w, (_, g) in zip(weights, pairs)], axis=0)
    return float(logsumexp(values) - np.log(len(values))), grad


def _posterior_samples(gp: GaussianProcess, X_pending: np.ndarray, count: int,
                       rng: np.random.Generator) -> np.ndarray:  # (count, p)
    """Joint samples of the latent f at X_pending (p, d) from the GP posterior."""
    K_cross = cross_covariance(gp.kernel, gp.params, X_pending, gp.X)  # (p, n)
    mean = K_cross @ gp.alpha  # (p,), as in GaussianProcess.posterior
    v = scipy.linalg.solve_triangular(gp.L, K_cross.T, lower=True, check_finite=False)  # (n, p)
    cov = cross_covariance(gp.kernel, gp.params, X_pending, X_pending) - v.T @ v  # (p, p)
    eigenvalues, vectors = np.linalg.eigh((cov + cov.T) / 2)
    root = vectors * np.sqrt(np.maximum(eigenvalues, 0.0))  # cov = root root^T, robust when singular
    return mean + rng.standard_normal((count, len(mean))) @ root.T


def _search_settings(n: int) -> SearchSettings:
    """Fewer global candidates on large n: each costs O(n^2) in the posterior variance."""
    return SearchSettings(log2_candidates=11 if n <= 300 else 10)
