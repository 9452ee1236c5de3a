"""Test program: loss = (x - 3)^2 + offset, from params.json to results.json.

Usage: quadratic.py PARAMS RESULTS [--sleep SECONDS] [--record FILE]
"""

import argparse
import json
import os
import time

parser = argparse.ArgumentParser()
parser.add_argument("params")
parser.add_argument("results")
parser.add_argument("--sleep", type=float, default=0.0)
parser.add_argument("--record", default=None, help="append start/end/device to this file")
args = parser.parse_args()

started = time.time()
with open(args.params) as f:
    params = json.load(f)
time.sleep(args.sleep)
x = params["x"]
offset = params.get("offset", 0.0)
results = {"loss": (x - 3.0) ** 2 + offset, "val": {"acc": 1.0 / (1.0 + (x - 3.0) ** 2)}}
with open(args.results, "w") as f:
    json.dump(results, f)
if args.record:
    with open(args.record, "a") as f:
        f.write(json.dumps({"x": x, "start": started, "end": time.time(),
                            "device": os.environ.get("HYPERED_DEVICE_ID"),
                            "trial_dir": os.environ.get("HYPERED_TRIAL_DIR")}) + "\n")
