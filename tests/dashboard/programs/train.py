"""Test program for the dashboard: a loss over x, lr, layers and opt, with NaN/Infinity metrics.

Usage: train.py PARAMS RESULTS [--sleep SECONDS]. Fails (exit 1) when x > 8.
"""

import argparse
import json
import math
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("params")
parser.add_argument("results")
parser.add_argument("--sleep", type=float, default=0.0)
args = parser.parse_args()

with open(args.params) as f:
    params = json.load(f)
time.sleep(args.sleep)
x, lr, layers, opt = params["x"], params["lr"], params["layers"], params["opt"]
for epoch in range(3):
    print(f"epoch {epoch}: x={x:.3f}")
print("warning: <b>not bold</b> <script>alert(1)</script>", file=sys.stderr)
if x > 8:
    print(f"diverged at x={x}", file=sys.stderr)
    sys.exit(1)
penalty = {"adam": 0.0, "sgd": 1.0}.get(opt, 2.0)
loss = (x - 2.0) ** 2 + 0.25 * math.log10(lr) ** 2 + penalty + 0.1 * layers
results = {"loss": loss, "val": {"acc": 1.0 / (1.0 + loss)}, "nan_metric": float("nan"), "inf_metric": float("inf")}
with open(args.results, "w") as f:
    json.dump(results, f)
