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

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .constraints import at_least, at_most
from .early_stopping import asha
from .objective import maximize, minimize
from .reporting import TrialPruned, report
from .space import (
    categorical,
    device_id,
    experiment_dir,
    integer,
    params_path,
    real,
    results_path,
)
from .storage import StoredStudy, load_study
from .trial import Trial, TrialState

if TYPE_CHECKING:
    from .optimize import optimize

__version__ = "2.0.0"  # the one place: pyproject.toml reads it

__all__ = [
    "StoredStudy",
    "Trial",
    "TrialPruned",
    "TrialState",
    "asha",
    "at_least",
    "at_most",
    "categorical",
    "device_id",
    "experiment_dir",
    "integer",
    "load_study",
    "maximize",
    "minimize",
    "optimize",
    "params_path",
    "real",
    "report",
    "results_path",
]



class _Module(types.ModuleType):
    """hypered itself, whose `optimize` loads the optimizer (scipy, the GP) on first use.

    Reading studies (`hypered status`, `load_study`) never needs it. A property, not a module
    `__getattr__`: importing the submodule hypered.optimize sets this attribute, which must stay
    the function.
    """

    @property
    def optimize(self) -> Callable[..., dict[str, Any] | None]:
        from .optimize import optimize

        return optimize

    @optimize.setter
    def optimize(self, submodule: Any) -> None:
        pass  # the import system announcing the submodule hypered.optimize: the function stays


def __dir__() -> list[str]:
    """The public API, the submodules imported so far and the dunders (not the names used to write this file)."""
    return sorted({*__all__, *(n for n, v in globals().items() if n.startswith("_") or isinstance(v, types.ModuleType))}
                  - {"sys", "types"})


sys.modules[__name__].__class__ = _Module
