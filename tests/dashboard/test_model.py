"""The dashboard's GP: fitted to the same targets as the optimizer's, mapped back to the objective."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hypered.bayesopt import clip_outliers
from hypered.bayesopt.proposer import PRIOR_MEAN
from hypered.bayesopt.warp import warp_outputs
from hypered.dashboard import model
from hypered.dashboard.studies import Experiments, Study
from hypered.trial import TrialState


def complete_values(experiments: Path, name: str) -> tuple[Study, np.ndarray]:
    study = Experiments(experiments).load(name)
    values = np.array([t.value for t in study.trials if t.state is TrialState.COMPLETE], dtype=float)
    return study, values


def test_the_gp_sees_the_optimizers_targets(experiments: Path) -> None:
    study, values = complete_values(experiments, "demo")  # minimized: the loss is the value
    fitted = model.fit(study)
    assert len(fitted.gp.y) == len(values) == 20
    # what Proposer.propose conditions on: warp_outputs(y) - PRIOR_MEAN (mean -PRIOR_MEAN, not 0)
    np.testing.assert_allclose(fitted.gp.y, warp_outputs(values) - PRIOR_MEAN, atol=1e-9)


def test_predictions_are_in_the_objectives_units(experiments: Path) -> None:
    study, values = complete_values(experiments, "demo")
    fitted = model.fit(study)
    mean, std = fitted.predict(fitted.gp.X)  # at the trials themselves
    clipped = clip_outliers(values)  # what the GP is fitted to
    assert np.all(std > 0)
    assert np.corrcoef(mean, clipped)[0, 1] > 0.9
    best = int(np.argmin(values))  # the shift is undone: the best trial is predicted near its value
    assert abs(mean[best] - values[best]) < 0.25 * np.std(clipped)
