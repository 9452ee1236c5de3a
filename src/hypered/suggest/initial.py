"""The initial design: a scrambled Sobol sequence, fixed by the study's seed."""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import qmc


def sobol_points(n_dims: int, count: int, seed: int) -> np.ndarray:  # -> (count, n_dims)
    """The first `count` points of the study's scrambled Sobol sequence in [0, 1]^n_dims.

    The same seed gives the same sequence, so a resumed study continues it.
    """
    m = max(1, math.ceil(math.log2(max(count, 2))))
    sampler = qmc.Sobol(d=n_dims, scramble=True, seed=np.random.default_rng(seed))
    return sampler.random_base2(m)[:count]
