"""How users look at studies: the read-only `hypered-dash` web dashboard.

Modules: studies (reading study folders), frame (a study as columns), views (the JSON payloads),
filters (which table rows a filter or a selection keeps), curves (learning curves), convergence
(the best value so far, for comparing studies), model (the GP's view and parameter importance),
cache (values made once per study version), api (routes), server (HTTP), cli (`main`). The pages
are the ES modules in static/.
"""

from .server import make_server

__all__ = ["make_server"]
