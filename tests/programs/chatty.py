"""Test program that prints a lot: numbered lines to stdout, then writes results.

Usage: chatty.py PARAMS RESULTS [--bytes N] [--stderr-bytes N] [--forever] [--fail]
Line i reads "line {i:09d} " padded with dots to 100 bytes, so the first and the
last lines of a log say which part of the output it kept. With --forever it
never stops printing (and never writes results); with --fail it ends by
printing "chatty gave up" to stderr and exiting with code 3.
"""

import argparse
import json
import sys

parser = argparse.ArgumentParser()
parser.add_argument("params")
parser.add_argument("results")
parser.add_argument("--bytes", type=int, default=0, help="bytes to print to stdout")
parser.add_argument("--stderr-bytes", type=int, default=0, help="bytes to print to stderr")
parser.add_argument("--forever", action="store_true")
parser.add_argument("--fail", action="store_true")
args = parser.parse_args()


def line(i: int) -> bytes:
    return f"line {i:09d} ".encode().ljust(99, b".") + b"\n"


def emit(stream, size: int, forever: bool = False) -> None:
    block, i = [], 0
    while forever or i * 100 < size:
        block.append(line(i))
        i += 1
        if len(block) == 1000:
            stream.write(b"".join(block))
            block = []
    stream.write(b"".join(block))
    stream.flush()


emit(sys.stderr.buffer, args.stderr_bytes)
emit(sys.stdout.buffer, args.bytes, args.forever)
if args.fail:
    print("chatty gave up", file=sys.stderr)
    sys.exit(3)
with open(args.params) as f:
    x = json.load(f).get("x", 0.0)
with open(args.results, "w") as f:
    json.dump({"loss": (x - 3.0) ** 2}, f)
