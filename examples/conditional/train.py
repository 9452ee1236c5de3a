"""A stand-in for a training script: reads params.json (only the branches taken), writes results.json.

Its loss is a made-up function of the choices: best with sgd (lr 0.3, momentum 0.9) and two layers
of 64 and 32 units.
"""

import argparse
import json
import math


def loss(params: dict) -> float:
    if params["optimizer"] == "sgd":
        value = (params["lr"] - 0.3) ** 2 + (params["momentum"] - 0.9) ** 2
    elif params["optimizer"] == "adam":
        value = 0.05 + (math.log10(params["lr"]) + 2.5) ** 2 / 10 + (params["beta1"] - 0.9) ** 2
    else:
        value = 0.3
    widths = [params["width1"]] + ([params["width2"]] if params["layers"] == 2 else [])
    targets = [64, 32][: len(widths)]
    value += sum(math.log2(w / t) ** 2 for w, t in zip(widths, targets)) / 20
    return value + (0.1 if params["layers"] == 1 else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description="A model with conditional hyperparameters.")
    parser.add_argument("params", help="params file")
    parser.add_argument("results", help="results file")
    args = parser.parse_args()
    with open(args.params) as f:
        params = json.load(f)
    with open(args.results, "w") as f:
        json.dump({"loss": loss(params)}, f)


if __name__ == "__main__":
    main()
