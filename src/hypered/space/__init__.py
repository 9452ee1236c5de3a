"""What can be tuned: search variables, params trees and their unit-cube encoding."""

from .encoding import Encoding
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

__all__ = [
    "Categorical",
    "DeviceId",
    "Encoding",
    "Integer",
    "ParamsTree",
    "Real",
    "TrialContext",
    "Utility",
    "Variable",
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
