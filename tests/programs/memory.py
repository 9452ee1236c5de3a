"""Test program: loss = (x - 3)^2 and memory_gb = 2 x + 10, from params.json to results.json.

Usage: memory.py PARAMS RESULTS [--no-memory]  (--no-memory leaves memory_gb out of the results)
"""

import json
import sys

with open(sys.argv[1]) as f:
    params = json.load(f)
x = params["x"]
results = {"loss": (x - 3.0) ** 2, "memory_gb": 2.0 * x + 10.0}
if "--no-memory" in sys.argv:
    del results["memory_gb"]
with open(sys.argv[2], "w") as f:
    json.dump(results, f)
