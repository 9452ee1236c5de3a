"""How users look at studies: the read-only `hypered-dash` web dashboard.

Modules: studies (reading study folders), frame (a study as columns), views (the JSON payloads),
model (the GP's view and parameter importance), cache (values made once per study version),
api (routes), server (HTTP), cli (`main`).
"""

from .server import make_server

__all__ = ["make_server"]
