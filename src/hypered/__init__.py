"""hypered: Bayesian hyperparameter optimization for any black-box program.

    import hypered as hp
    best = hp.optimize(
        name="demo",
        objective=hp.minimize("loss"),
        params={"x": hp.real(-10, 10), "option": hp.categorical(["a", "b"])},
        function=lambda p: {"loss": (p["x"] - 3) ** 2},
        iterations=30,
    )
"""

from .objective import maximize, minimize
from .optimize import optimize
from .space import (
    categorical,
    device_id,
    experiment_dir,
    integer,
    params_path,
    real,
    results_path,
)

__version__ = "0.2.0"

__all__ = [
    "categorical",
    "device_id",
    "experiment_dir",
    "integer",
    "maximize",
    "minimize",
    "optimize",
    "params_path",
    "real",
    "results_path",
]
