"""How users describe studies in files: safe evaluation of config files."""

from .evaluate import ALLOWED_NAMES, OptimizeCall, evaluate_config
from .load import load_config, read_config

__all__ = ["ALLOWED_NAMES", "OptimizeCall", "evaluate_config", "load_config", "read_config"]
