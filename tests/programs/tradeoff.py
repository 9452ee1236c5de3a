"""Test program: two objectives that trade off for x < 3, loss = (x - 3)^2 and memory_gb = 2 x + 10,
and a third metric val.x = x, from params.json to results.json.

Usage: tradeoff.py PARAMS RESULTS
"""

import json
import sys

with open(sys.argv[1]) as f:
    params = json.load(f)
x = params["x"]
with open(sys.argv[2], "w") as f:
    json.dump({"loss": (x - 3.0) ** 2, "memory_gb": 2.0 * x + 10.0, "val": {"x": x}}, f)
