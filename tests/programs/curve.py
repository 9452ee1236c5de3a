"""Test program: trains for --steps steps, reporting loss = (x - 3)^2 + 1/step at each.

Usage: curve.py PARAMS RESULTS [--steps N] [--sleep SECONDS] [--record FILE] [--raw]
--raw appends the report lines itself (as a program in another language would);
otherwise it calls hypered.report. --record appends its pid and the steps it reached.
"""

import argparse
import json
import os
import time

import hypered

parser = argparse.ArgumentParser()
parser.add_argument("params")
parser.add_argument("results")
parser.add_argument("--steps", type=int, default=9)
parser.add_argument("--sleep", type=float, default=0.0)
parser.add_argument("--record", default=None)
parser.add_argument("--raw", action="store_true")
parser.add_argument("--bad-lines", action="store_true", help="also write malformed report lines")
args = parser.parse_args()

with open(args.params) as f:
    params = json.load(f)
x = params["x"]
if args.record:
    with open(args.record, "a") as f:
        f.write(json.dumps({"pid": os.getpid(), "pgid": os.getpgid(0), "x": x, "start": time.time(),
                            "device": os.environ.get("HYPERED_DEVICE_ID")}) + "\n")
loss = float("inf")
for step in range(1, args.steps + 1):
    loss = (x - 3.0) ** 2 + 1.0 / step
    if args.raw:
        with open(os.environ["HYPERED_REPORT_PATH"], "a") as f:
            if args.bad_lines:
                f.write("not json\n" + json.dumps({"loss": 1.0}) + "\n")
            f.write(json.dumps({"step": step, "val": {"loss": loss}}) + "\n")
            if args.bad_lines:
                f.write(json.dumps({"step": 0, "val": {"loss": 0.0}}) + "\n")
    else:
        hypered.report(step, val={"loss": loss})
    time.sleep(args.sleep)
with open(args.results, "w") as f:
    json.dump({"val": {"loss": loss}}, f)
