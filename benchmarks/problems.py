"""Benchmark problems, described as hypered search spaces.

Each problem's loss maps a flat params dict (names -> values) and a noise generator to a loss to
minimize. Suites: "synthetic" (known optimum, deterministic), "noisy" (a synthetic function plus
noise; `truth` is the noiseless function) and "real" (scikit-learn models, realworld.py; the
truth of a noisy one is the mean of re-evaluations).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from realworld import REAL_PROBLEMS

import hypered as hp

Loss = Callable[[dict[str, Any], np.random.Generator], float]


@dataclass(frozen=True)
class Problem:
    name: str
    params: dict[str, Any]  # dotted name -> hypered variable
    optimum: float | None  # None: unknown (real problems: the best value any run found)
    loss: Loss
    suite: str = "synthetic"
    noisy: bool = False
    truth: Callable[[dict[str, Any]], float] | None = None  # the noiseless loss, when known


def _exact(function: Callable[[dict[str, Any]], float]) -> Loss:
    return lambda p, rng: function(p)


def _noisy(function: Callable[[dict[str, Any]], float],
           noise_std: Callable[[dict[str, Any]], float]) -> Loss:
    return lambda p, rng: function(p) + noise_std(p) * float(rng.standard_normal())


def _mixed_hpo_noise(p: dict[str, Any]) -> float:
    """Heteroscedastic: runs with a high learning rate and little dropout are the erratic ones."""
    return 0.02 + 0.15 * min(max(math.log10(p["lr"]) + 3.0, 0.0), 3.0) / 3.0 * (1.0 - p["dropout"])


def _vector(params: dict[str, Any], d: int) -> np.ndarray:
    return np.array([params[f"x{i}"] for i in range(d)], dtype=float)


def _box(d: int, low: float, high: float) -> dict[str, Any]:
    return {f"x{i}": hp.real(low, high) for i in range(d)}


def branin(p: dict[str, Any]) -> float:
    x1, x2 = p["x0"], p["x1"]
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


_H6_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                  [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
_H6_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                         [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(p: dict[str, Any]) -> float:
    x = _vector(p, 6)
    return float(-np.sum(_H6_ALPHA * np.exp(-np.sum(_H6_A * (x - _H6_P) ** 2, axis=1))))


def ackley(p: dict[str, Any], d: int = 5) -> float:
    x = _vector(p, d)
    return float(-20 * np.exp(-0.2 * np.sqrt(np.mean(x ** 2))) - np.exp(np.mean(np.cos(2 * np.pi * x)))
                 + 20 + math.e)


def rosenbrock(p: dict[str, Any], d: int = 4) -> float:
    x = _vector(p, d)
    return float(np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))


def levy(p: dict[str, Any], d: int = 10) -> float:
    x = _vector(p, d)
    w = 1 + (x - 1) / 4
    head = math.sin(math.pi * w[0]) ** 2
    middle = np.sum((w[:-1] - 1) ** 2 * (1 + 10 * np.sin(np.pi * w[:-1] + 1) ** 2))
    tail = (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)
    return float(head + middle + tail)


def styblinski_tang(p: dict[str, Any], d: int = 8) -> float:
    x = _vector(p, d)
    return float(0.5 * np.sum(x ** 4 - 16 * x ** 2 + 5 * x))


def seed_example(p: dict[str, Any]) -> float:
    if p["option"] == "first":
        return (p["x"] - 5) ** 2
    return abs(p["x"] - 3) - 2


_BEST_LR = {"adam": -3.0, "sgd": -1.0, "rmsprop": -3.5}
_OPTIMIZER_PENALTY = {"adam": 0.0, "sgd": 0.05, "rmsprop": 0.1}


def mixed_hpo(p: dict[str, Any]) -> float:
    """A training-run-like loss; optimum 0 at adam, lr=1e-3, 4 layers, 128 units, dropout 0.2,
    momentum 0.9. The best dropout grows with depth and the best lr depends on the optimizer."""
    lr_gap = math.log10(p["lr"]) - _BEST_LR[p["optimizer"]]
    return (0.3 * lr_gap ** 2 + 0.05 * (p["layers"] - 4) ** 2 + 0.1 * (math.log2(p["units"]) - 7) ** 2
            + 2.0 * (p["dropout"] - 0.05 * p["layers"]) ** 2 + 0.5 * (p["momentum"] - 0.9) ** 2
            + _OPTIMIZER_PENALTY[p["optimizer"]])


def corner(p: dict[str, Any]) -> float:
    """Optimum 0 at the corner x = (1, 1, 1, 1) of [0, 1]^4, tilted so the bound really is best."""
    x = _vector(p, 4)
    return float(np.sum((1.0 - x) ** 2) + 0.5 * np.sum(1.0 - x))


_MIXED_HPO_SPACE = {
    "lr": hp.real(1e-5, 1.0, log=True), "layers": hp.integer(1, 8),
    "units": hp.integer(16, 512, log=True), "optimizer": hp.categorical(["adam", "sgd", "rmsprop"]),
    "dropout": hp.real(0.0, 0.8), "momentum": hp.real(0.0, 1.0),
}

PROBLEMS = [
    Problem("branin", {"x0": hp.real(-5, 10), "x1": hp.real(0, 15)}, 0.397887, _exact(branin)),
    Problem("hartmann6", _box(6, 0, 1), -3.32237, _exact(hartmann6)),
    Problem("ackley5", _box(5, -32.768, 32.768), 0.0, _exact(ackley)),
    Problem("rosenbrock4", _box(4, -5, 10), 0.0, _exact(rosenbrock)),
    Problem("levy10", _box(10, -10, 10), 0.0, _exact(levy)),
    Problem("styblinski_tang8", _box(8, -5, 5), -39.16616570377142 * 8, _exact(styblinski_tang)),
    Problem("seed_example", {"option": hp.categorical(["first", "second"]), "x": hp.real(-10, 10)},
            -2.0, _exact(seed_example)),
    Problem("mixed_hpo", _MIXED_HPO_SPACE, 0.0, _exact(mixed_hpo)),
    Problem("corner4", _box(4, 0, 1), 0.0, _exact(corner)),
    Problem("hartmann6_noisy", _box(6, 0, 1), -3.32237, _noisy(hartmann6, lambda p: 0.15),
            suite="noisy", noisy=True, truth=hartmann6),
    Problem("mixed_hpo_noisy", _MIXED_HPO_SPACE, 0.0, _noisy(mixed_hpo, _mixed_hpo_noise),
            suite="noisy", noisy=True, truth=mixed_hpo),
] + [Problem(name, space, None, loss, suite="real", noisy=noisy) for name, space, loss, noisy in REAL_PROBLEMS]
