"""Which params to run next: the Sobol initial design, then Bayesian optimization."""

from .initial import sobol_points
from .suggester import Recommendation, Repeat, Suggester

__all__ = ["Recommendation", "Repeat", "Suggester", "sobol_points"]
