"""Test program that logs its own life, to tell apart the attempts of one trial.

Usage: attempts.py PARAMS RESULTS RECORD [--first SECONDS] [--later SECONDS]
Appends JSON lines to RECORD (a file outside the trial folder): "start" with its
pid and folder, a "beat" every 50 ms while it runs, and "end". The first attempt
recorded in RECORD runs --first seconds, the ones after it --later seconds.
Its results carry its pid, and it prints "attempt PID" to stdout.
"""

import argparse
import json
import os
import time

parser = argparse.ArgumentParser()
parser.add_argument("params")
parser.add_argument("results")
parser.add_argument("record")
parser.add_argument("--first", type=float, default=4.0)
parser.add_argument("--later", type=float, default=1.0)
args = parser.parse_args()


def note(event: str) -> None:
    line = json.dumps({"event": event, "pid": os.getpid(), "t": time.time(),
                       "folder": os.path.dirname(os.path.abspath(args.results))})
    with open(args.record, "a") as f:
        f.write(line + "\n")


try:
    with open(args.record) as f:
        first = not any(json.loads(line)["event"] == "start" for line in f)
except FileNotFoundError:
    first = True
note("start")
print(f"attempt {os.getpid()}", flush=True)
with open(args.params) as f:
    x = json.load(f)["x"]
ends = time.time() + (args.first if first else args.later)
while time.time() < ends:
    note("beat")
    time.sleep(0.05)
with open(args.results, "w") as f:
    json.dump({"loss": (x - 3.0) ** 2, "pid": os.getpid()}, f)
note("end")
