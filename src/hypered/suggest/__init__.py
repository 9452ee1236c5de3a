"""Which params to run next: the Sobol initial design, then Bayesian optimization."""

from .initial import sobol_points
from .suggester import Suggester

__all__ = ["Suggester", "sobol_points"]
