import math

import numpy as np
import pytest

from hypered.bayesopt import KERNELS
from hypered.bayesopt.kernels import squared_distances

KERNEL_NAMES = ["Matern52", "Matern32", "RBF"]


def closed_form(name: str, r: float) -> float:
    if name == "Matern52":
        return (1 + math.sqrt(5) * r + 5 * r * r / 3) * math.exp(-math.sqrt(5) * r)
    if name == "Matern32":
        return (1 + math.sqrt(3) * r) * math.exp(-math.sqrt(3) * r)
    return math.exp(-0.5 * r * r)


def test_kernel_names_and_alias():
    assert set(KERNELS) == {"Matern52", "Matern", "Matern32", "RBF"}
    assert KERNELS["Matern"] is KERNELS["Matern52"]


@pytest.mark.parametrize("name", KERNEL_NAMES)
@pytest.mark.parametrize("r", [0.0, 0.1, 0.5, 1.0, 2.0, 5.0])
def test_kernel_matches_closed_form_at_known_distances(name, r):
    assert KERNELS[name].value(np.array([r * r]))[0] == pytest.approx(closed_form(name, r), rel=1e-12)


@pytest.mark.parametrize("name", KERNEL_NAMES)
def test_kernel_derivative_matches_finite_differences(name):
    kernel = KERNELS[name]
    r2 = np.array([1e-3, 0.04, 0.5, 1.0, 3.0, 9.0])
    step = 1e-7
    fd = (kernel.value(r2 + step) - kernel.value(r2 - step)) / (2 * step)
    np.testing.assert_allclose(kernel.grad(r2), fd, rtol=1e-5)
    assert np.isfinite(kernel.grad(np.array([0.0]))[0])


@pytest.mark.parametrize("name", KERNEL_NAMES)
def test_kernel_matrix_is_symmetric_positive_semidefinite(name, rng):
    X = rng.random((40, 3))
    ell = np.array([0.2, 0.5, 1.5])
    K = KERNELS[name].value(squared_distances(X / ell, X / ell))
    np.testing.assert_allclose(K, K.T, atol=1e-15)
    np.testing.assert_allclose(np.diag(K), 1.0)
    assert np.min(np.linalg.eigvalsh(K)) > -1e-10


def test_squared_distances_match_direct_computation(rng):
    A, B = rng.random((5, 4)), rng.random((7, 4))
    direct = np.sum((A[:, None, :] - B[None, :, :]) ** 2, axis=2)
    np.testing.assert_allclose(squared_distances(A, B), direct, atol=1e-14)
    assert np.all(squared_distances(A, A) >= 0.0)


@pytest.mark.parametrize("name", KERNEL_NAMES)
def test_value_and_grad_agree_with_the_separate_functions(name):
    kernel = KERNELS[name]
    r2 = np.array([0.0, 0.3, 2.0])
    value, grad = kernel.value_and_grad(r2)
    np.testing.assert_allclose(value, kernel.value(r2), rtol=1e-15)
    np.testing.assert_allclose(grad, kernel.grad(r2), rtol=1e-15)
