"""What can be tuned: search variables, params trees and their unit-cube encoding."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .conditions import Condition, active_flags
from .params import ParamsTree, dotted, lookup, parse_params
from .utilities import (
    DeviceId,
    TrialContext,
    Utility,
    device_id,
    experiment_dir,
    params_path,
    results_path,
)
from .variables import (
    Categorical,
    Integer,
    Real,
    Variable,
    categorical,
    integer,
    real,
    variable_from_dict,
)

if TYPE_CHECKING:
    from .encoding import Encoding

__all__ = [
    "Categorical",
    "Condition",
    "DeviceId",
    "Encoding",
    "Integer",
    "ParamsTree",
    "Real",
    "TrialContext",
    "Utility",
    "Variable",
    "active_flags",
    "categorical",
    "device_id",
    "dotted",
    "experiment_dir",
    "integer",
    "lookup",
    "params_path",
    "parse_params",
    "real",
    "results_path",
    "variable_from_dict",
]


def __getattr__(name: str) -> Any:
    """`Encoding` on first use: it needs numpy, which reading studies and `hypered --help` do not."""
    if name == "Encoding":
        from .encoding import Encoding

        return Encoding
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
