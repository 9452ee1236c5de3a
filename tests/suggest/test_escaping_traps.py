"""A study whose first trials all landed on a noisy plateau still finds the good region."""

from __future__ import annotations

import logging

import numpy as np

import hypered as hp

D = 4


def truth(params: dict[str, float]) -> float:
    """A plateau at 1.0 where x0 < 0.3 (a decision tree of depth 1, say); elsewhere a wide basin
    down to 0.2 at x = 0.7, covering most of the box."""
    x = np.array([params[f"x{i}"] for i in range(D)])
    if x[0] <= 0.3:
        return 1.0
    return float(min(1.0, 0.2 + np.sum((x - 0.7) ** 2)))


def test_a_poor_initial_design_on_a_noisy_plateau_does_not_trap_the_study(tmp_path):
    logging.getLogger("hypered").setLevel(logging.WARNING)
    start = np.random.default_rng(0)
    initial = [{f"x{i}": float(start.uniform(0.0, 0.25) if i == 0 else start.uniform()) for i in range(D)}
               for _ in range(10)]  # every one on the plateau
    noise = np.random.default_rng(1)
    best = hp.optimize(
        name="trap", objective=hp.minimize("loss"), params={f"x{i}": hp.real(0.0, 1.0) for i in range(D)},
        function=lambda p: {"loss": truth(p) + 0.05 * float(noise.standard_normal())},
        iterations=40, random_starts=0, initial=initial, seed=0, directory=str(tmp_path))
    trials = hp.load_study(tmp_path / "trap").trials
    in_basin = [truth(t.values) < 0.9 for t in trials[10:]]
    assert sum(in_basin) >= 10, f"only {sum(in_basin)} of 30 proposals left the plateau"
    assert truth(best["params"]) < 0.5
