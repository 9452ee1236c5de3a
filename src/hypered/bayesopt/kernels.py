"""Stationary kernels as functions of the squared scaled distance r2 = sum_j ((a_j - b_j) / ell_j)^2.

Each kernel has unit variance, k(0) = 1, and brings its derivative dk/dr2, which is finite at
r2 = 0 for all three (so gradients need no special case on the diagonal).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

_SQRT3 = math.sqrt(3.0)
_SQRT5 = math.sqrt(5.0)


@dataclass(frozen=True)
class Kernel:
    """A unit-variance stationary kernel k(r2) and its derivative dk/dr2."""

    name: str
    value: Callable[[np.ndarray], np.ndarray]  # r2 (...) -> k (...)
    grad: Callable[[np.ndarray], np.ndarray]  # r2 (...) -> dk/dr2 (...)
    value_and_grad: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]  # both, one exp


def matern52(r2: np.ndarray) -> np.ndarray:
    """R&W Eq. 4.17, nu = 5/2: (1 + s + s^2/3) exp(-s), s = sqrt(5) r."""
    s = _SQRT5 * np.sqrt(r2)
    return (1.0 + s + s * s / 3.0) * np.exp(-s)


def matern52_grad(r2: np.ndarray) -> np.ndarray:
    """dk/dr2 = -(5/6) (1 + s) exp(-s)."""
    s = _SQRT5 * np.sqrt(r2)
    return -(5.0 / 6.0) * (1.0 + s) * np.exp(-s)


def matern52_value_and_grad(r2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = _SQRT5 * np.sqrt(r2)
    decay = np.exp(-s)
    return (1.0 + s + s * s / 3.0) * decay, -(5.0 / 6.0) * (1.0 + s) * decay


def matern32(r2: np.ndarray) -> np.ndarray:
    """R&W Eq. 4.17, nu = 3/2: (1 + s) exp(-s), s = sqrt(3) r."""
    s = _SQRT3 * np.sqrt(r2)
    return (1.0 + s) * np.exp(-s)


def matern32_grad(r2: np.ndarray) -> np.ndarray:
    """dk/dr2 = -(3/2) exp(-s)."""
    return -1.5 * np.exp(-_SQRT3 * np.sqrt(r2))


def matern32_value_and_grad(r2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = _SQRT3 * np.sqrt(r2)
    decay = np.exp(-s)
    return (1.0 + s) * decay, -1.5 * decay


def rbf(r2: np.ndarray) -> np.ndarray:
    """R&W Eq. 4.9: exp(-r2 / 2)."""
    return np.exp(-0.5 * r2)


def rbf_grad(r2: np.ndarray) -> np.ndarray:
    """dk/dr2 = -exp(-r2 / 2) / 2."""
    return -0.5 * np.exp(-0.5 * r2)


def rbf_value_and_grad(r2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    k = np.exp(-0.5 * r2)
    return k, -0.5 * k


MATERN52 = Kernel("Matern52", matern52, matern52_grad, matern52_value_and_grad)
MATERN32 = Kernel("Matern32", matern32, matern32_grad, matern32_value_and_grad)
RBF = Kernel("RBF", rbf, rbf_grad, rbf_value_and_grad)

KERNELS: dict[str, Kernel] = {
    "Matern52": MATERN52,
    "Matern": MATERN52,
    "Matern32": MATERN32,
    "RBF": RBF,
}


def squared_distances(A: np.ndarray, B: np.ndarray) -> np.ndarray:  # A (m, d), B (n, d)
    """Pairwise squared Euclidean distances (m, n), clipped at 0 against rounding."""
    r2 = np.sum(A * A, axis=1)[:, None] + np.sum(B * B, axis=1)[None, :] - 2.0 * (A @ B.T)
    return np.maximum(r2, 0.0)  # (m, n)
