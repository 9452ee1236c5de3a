"""Test program: a loss whose parameters depend on the optimizer branch; records the keys it got.

Usage: branches.py PARAMS RESULTS
"""

import json
import sys

with open(sys.argv[1]) as f:
    params = json.load(f)
if params["optimizer"] == "sgd":
    loss = (params["lr"] - 0.3) ** 2 + (params["momentum"] - 0.9) ** 2
elif params["optimizer"] == "adam":
    loss = 0.05 + (params["beta1"] - 0.9) ** 2
else:
    loss = 1.0
with open(sys.argv[2], "w") as f:
    json.dump({"loss": loss, "keys": sorted(params)}, f)
