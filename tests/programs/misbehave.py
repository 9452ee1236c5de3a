"""Test program that fails in the way its first argument names.

Usage: misbehave.py KIND PARAMS RESULTS
KIND: exit1 | noresults | malformed | nokey | nan | string | ok
"""

import json
import sys

kind, params_path, results_path = sys.argv[1:4]
if kind == "exit1":
    print("something broke in the model", file=sys.stderr)
    sys.exit(1)
if kind == "noresults":
    sys.exit(0)
with open(results_path, "w") as f:
    if kind == "malformed":
        f.write("{loss: 1,")
    elif kind == "nokey":
        json.dump({"accuracy": 0.5}, f)
    elif kind == "nan":
        f.write('{"loss": NaN}')
    elif kind == "string":
        json.dump({"loss": "low"}, f)
    else:
        json.dump({"loss": 1.0}, f)
