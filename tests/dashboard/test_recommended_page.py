"""The trial a study recommends on the dashboard: on a noisy objective the best posterior mean, shown
beside the best observed trial (the API, the Best section, the table's badge, the trial's page);
on a deterministic one a line saying how the best was chosen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from dashboard_helpers import XSS

import hypered as hp
from hypered.dashboard.api import Dashboard
from hypered.storage import StudyDatabase
from hypered.trial import Trial, TrialState

NOISE_SEED = 3  # with this draw the best posterior mean (trial 6) is not the luckiest value (trial 1)


def _run(root: Path, name: str, objective: str, noise: float, seed: int = 0) -> dict[str, Any]:
    """A study of (x - 0.3)^2 plus seeded Gaussian noise of std `noise`, 12 trials; its best.json."""
    rng = np.random.default_rng(seed)

    def loss(params: dict[str, Any]) -> float:
        return (params["x"] - 0.3) ** 2 + (float(rng.normal(0, noise)) if noise else 0.0)

    hp.optimize(name=name, objective=hp.minimize(objective), params={"x": hp.real(0, 1)}, function=loss,
                iterations=12, seed=0, directory=root)
    best: dict[str, Any] = json.loads((root / name / "best.json").read_text())
    return best


@pytest.fixture(scope="module")
def studies(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, Any]]]:
    """`noisy` (its objective named with HTML), `clean` (deterministic) and `stale` (`clean` with a
    trial completed after its run ended, so the model has not judged it); their best.json."""
    root = tmp_path_factory.mktemp("recommended")
    best = {"noisy": _run(root, "noisy", XSS, noise=0.5, seed=NOISE_SEED),
            "clean": _run(root, "clean", "loss", noise=0.0)}
    best["stale"] = _run(root, "stale", "loss", noise=0.0)
    with StudyDatabase(root / "stale" / "study.db") as db:
        db.save(Trial(number=12, key="late", params={"x": 0.9}, values={"x": 0.9}, state=TrialState.COMPLETE,
                      value=0.36, results={"loss": 0.36}, started=1_700_000_000.0, finished=1_700_000_001.0))
    noisy = best["noisy"]
    assert noisy["recommended_by"] == "best posterior mean (the objective looks noisy)"
    assert noisy["trial"] != noisy["best_observed"]["trial"], "pick a NOISE_SEED whose recommendation differs"
    assert best["clean"]["recommended_by"] == "best observed value (the objective does not look noisy)"
    return root, best


def test_the_api_names_the_recommended_trial_and_the_best_observed(studies: tuple[Path, dict[str, Any]]) -> None:
    root, best = studies
    noisy = best["noisy"]
    dashboard = Dashboard(root)
    outline = dashboard.handle(["studies", "noisy", "outline"], {})[1]  # first: the study is not read yet
    detail = dashboard.handle(["studies", "noisy"], {})[1]
    for shown in (outline, detail):
        rec = shown["recommendation"]
        assert rec["number"] == noisy["trial"] and rec["value"] == noisy["value"]
        assert rec["judged"] is True and rec["noisy"] is True and rec["best_observed"] is False
        assert rec["posterior_mean"] == noisy["posterior_mean"] and rec["noise_std"] == noisy["noise_std"]
        assert rec["recommended_by"] == noisy["recommended_by"]
        assert rec["all_params"] == noisy["params"] and rec["metrics"] == {XSS: noisy["value"]}
        assert shown["best"]["number"] == noisy["best_observed"]["trial"]
        assert shown["best"]["value"] == noisy["best_observed"]["value"]
    assert outline["recommendation"] == detail["recommendation"]

    rows = dashboard.handle(["studies", "noisy", "table"], {"limit": "100"})[1]["rows"]
    assert [r["number"] for r in rows if r["recommended"]] == [noisy["trial"]]
    trial = dashboard.handle(["studies", "noisy", "trials", str(noisy["trial"])], {})[1]
    assert trial["recommended"] == {"recommended_by": noisy["recommended_by"], "noisy": True,
                                    "posterior_mean": noisy["posterior_mean"], "noise_std": noisy["noise_std"]}
    observed = dashboard.handle(["studies", "noisy", "trials", str(noisy["best_observed"]["trial"])], {})[1]
    assert observed["recommended"] is None

    clean = dashboard.handle(["studies", "clean"], {})[1]["recommendation"]
    assert clean["number"] == best["clean"]["trial"] and clean["best_observed"] is True
    assert clean["judged"] is True and clean["noisy"] is False and clean["posterior_mean"] is None
    # a trial completed after the run ended: the model's choice no longer holds, the best observed is shown
    stale = dashboard.handle(["studies", "stale", "outline"], {})[1]["recommendation"]
    assert stale["number"] == best["stale"]["trial"] and stale["judged"] is False and stale["noisy"] is None
    assert not any(r["recommended"] for r in dashboard.handle(["studies", "stale", "table"], {})[1]["rows"])

