"""The JSON API's routes: a path and query in, (status, payload) out. No HTTP here.

    /api/studies                           every study: counts, best observed value, the trial it recommends
                                           (`recommended`), last activity, running; a study
                                           that cannot be read is a row {name, error, running}, the others
                                           are unaffected; every row has `error` (null or a sentence naming
                                           the file) and `warnings` (parts of the files that could not be read)
    /api/studies/NAME                      summary, variables, metrics, best observed trial, the trial the
                                           study recommends and why (`recommendation`, as best.json says it)
    /api/studies/NAME/outline              summary, variables, best and recommended trials: quick when the
                                           study is not read yet
    /api/studies/NAME/version              a token that changes when the study does (for polling)
    /api/studies/NAME/columns              plot data, one array per column (sampled when large)
    /api/studies/NAME/convergence          the best value so far: the trials that improved it, by trial
                                           number and by elapsed time (the comparison page overlays these)
    /api/studies/NAME/curves               learning curves: each trial's reported objective by step (sampled
                                           when many trials reported); none for a study without reports;
                                           metric= another metric the trials reported (`metrics` lists them)
    /api/studies/NAME/table                a page of the trial table (state=, sort=, order=, offset=, limit=,
                                           filter=, around=, trials=; sort= a column, param:NAME or
                                           metric:NAME; trials= the numbers selected in the plots, 3-7,12)
    /api/studies/NAME/model                GP importance and per-parameter posterior slices
    /api/studies/NAME/contour?x=A&y=B      GP posterior mean over two parameters
    /api/studies/NAME/trials/N             one trial with the tails of its logs and its reports
"""

from __future__ import annotations

import dataclasses
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SpaceError, StudyReadError
from . import curves as learning
from . import views
from .cache import PerVersion
from .convergence import best_so_far
from .frame import Frame, build_frame, clean
from .studies import Experiments, Study, StudyNotFound

if TYPE_CHECKING:
    from .model import ModelCache

Response = tuple[int, Any]
_METRICS_FROM = 3  # the learning curves' metrics are those of the best trial's reports and the last few


class NotFound(Exception):
    """The path names nothing (the message says what was missing)."""


class Dashboard:
    """The studies of one experiments folder, with parsed frames and fitted models cached."""

    def __init__(self, root: Path) -> None:
        self.experiments = Experiments(root)
        self._models: ModelCache | None = None  # made on first use: the GP's modules load slowly
        self._models_lock = threading.Lock()
        self._frames: PerVersion[Frame] = PerVersion()
        self._outlines: PerVersion[tuple[Frame, dict[int, Frame]]] = PerVersion()
        self._details: PerVersion[dict[str, Any]] = PerVersion()  # study_detail, made once per version
        self._curves: PerVersion[dict[str, Any]] = PerVersion()  # per study and metric, made once per version

    @property
    def models(self) -> ModelCache:
        """The fitted GP models, per study version."""
        with self._models_lock:
            if self._models is None:
                from .model import ModelCache

                self._models = ModelCache()
            return self._models

    def clear_caches(self) -> None:
        """Forget every parsed study, frame and fitted model (the next request starts cold)."""
        self.experiments.clear()
        self.models.clear()
        self._frames.clear()
        self._outlines.clear()
        self._details.clear()
        self._curves.clear()

    def study(self, name: str) -> Study:
        try:
            return self.experiments.load(name)
        except StudyNotFound:
            raise NotFound(f"no study named {name!r}") from None

    def frame(self, name: str) -> Frame:
        study = self.study(name)
        return self._frames.get(name, study.version, lambda: build_frame(study))

    def exists(self, name: str, trial: int | None = None) -> bool:
        """Whether the study (and its trial) exists; a study alone is looked up without reading it."""
        if trial is None:
            return name in self.experiments.names()
        try:
            study = self.study(name)
        except NotFound:
            return False
        return study.trial(trial) is not None

    def outline(self, name: str) -> dict[str, Any]:
        """The study's detail less its metrics, without waiting for a first read of every trial.

        The page shows its header and best trial from this while the full read (a third of a
        second for 10,000 trials) goes on: the counts and the best value come from the trials'
        states and values alone, the best trial's params and metrics from its own row.
        """
        try:
            version = self.experiments.version(name)
        except StudyNotFound:
            raise NotFound(f"no study named {name!r}") from None
        running = self.experiments.running(name)
        frame = self._frames.peek(name, version)
        if frame is not None:
            out = self.detail(frame, running)
        else:
            outline, read = self._outlines.get(name, version, lambda: self._read_outline(name))
            out = views.study_detail(outline, running)
            out["warnings"] = list(outline.study.warnings)
            for key in ("best", "recommendation"):  # their params and metrics, from their full reads
                shown = out.get(key)
                if shown is not None and shown["number"] in read:
                    shown.update(views.trial_summary(read[shown["number"]], 0))
        del out["metrics"]  # those of every trial's results: known once they are all read
        return out

    def detail(self, frame: Frame, running: bool) -> dict[str, Any]:
        """views.study_detail, made once per version of the study (a page asks for it twice)."""
        study = frame.study
        out = dict(self._details.get(study.name, study.version, lambda: views.study_detail(frame, False)))
        out["running"] = running
        out["warnings"] = list(study.warnings)
        return out

    def _read_outline(self, name: str) -> tuple[Frame, dict[int, Frame]]:
        """A frame of the study's outline, and by trial number a frame of each trial the page shows
        first (the best observed, the recommended) alone, read in full ({} when read in full already)."""
        study = self.experiments.outline(name)
        if not study.outline:  # read in full already
            return self._frames.get(name, study.version, lambda: build_frame(study)), {}
        frame = build_frame(study)
        read = {}
        for row in dict.fromkeys(r for r in (frame.best_index, frame.recommended_index) if r is not None):
            trial = self.experiments.read_trial(name, frame.number[row])
            if trial is not None:  # else gone meanwhile (a study replaced)
                read[trial.number] = build_frame(dataclasses.replace(frame.study, trials=(trial,)))
        return frame, read

    def read_ahead(self, name: str) -> None:
        """Read a study in a background thread, its outline first: its page asks for both a moment later.

        The page's requests wait for these reads instead of starting others (one read per change).
        """
        threading.Thread(target=self._read_ahead, args=(name,), name=f"read-ahead {name}", daemon=True).start()

    def _read_ahead(self, name: str) -> None:
        try:
            self.outline(name)
            self.frame(name)
        except Exception as err:  # the page's own request reads it again and reports the error
            sys.stderr.write(f"hypered-dash: reading study {name!r} ahead of its page: {type(err).__name__}: {err}\n")

    def handle(self, parts: list[str], query: dict[str, str]) -> Response:
        """Route `/api/` + parts; NotFound for unknown paths, ValueError for bad queries.

        A study that cannot be read answers 500 with {"error": what is wrong with which file}.
        """
        try:
            return self._route(parts, query)
        except StudyReadError as err:
            return 500, {"error": str(err)}

    def _route(self, parts: list[str], query: dict[str, str]) -> Response:
        if parts == ["studies"]:
            return 200, self.study_list()
        if len(parts) < 2 or parts[0] != "studies":
            raise NotFound("no such API path")
        name, rest = parts[1], parts[2:]
        if not rest:
            return 200, self.detail(self.frame(name), self.experiments.running(name))
        if rest == ["outline"]:
            return 200, self.outline(name)
        if rest == ["version"]:
            study = self.study(name)
            return 200, {"version": study.version, "running": self.experiments.running(name)}
        if rest == ["columns"]:
            limit = _int(query, "max_points", views.MAX_PLOT_POINTS)
            return 200, views.columns(self.frame(name), max(limit, 10))
        if rest == ["convergence"]:
            return 200, best_so_far(self.frame(name))
        if rest == ["curves"]:
            study = self.study(name)
            metric = query.get("metric") or study.objective.name
            return 200, self._curves.get(f"{name}\0{metric}", study.version, lambda: self.curves(study, metric))
        if rest == ["table"]:
            return 200, views.table_query(self.frame(name), query)
        if rest == ["model"]:
            return 200, self.model_view(name)
        if rest == ["contour"]:
            return self.contour(name, query.get("x", ""), query.get("y", ""))
        if len(rest) == 2 and rest[0] == "trials":
            study = self.study(name)
            trial = study.trial(_number(rest[1]))
            if trial is None:
                raise NotFound(f"study {name!r} has no trial {rest[1]!r}")
            return 200, views.trial_detail(study, trial, self.experiments.reports(name, trial.number))
        raise NotFound("no such API path")

    def curves(self, study: Study, metric: str) -> dict[str, Any]:
        """The study's learning curves of `metric` (curves.curves): only the curves drawn are read (a
        sample, when many trials reported). The metrics offered are those the best trial and the last
        few reporting trials reported; a metric other than the objective is read from each drawn
        trial's reports."""
        reported = self.experiments.reporting_trials(study.name)
        numbers = learning.curve_numbers(study, reported)
        best = study.best
        looked_at = set(reported[-_METRICS_FROM:])
        if best is not None and best.number in reported:
            looked_at.add(best.number)
        seen = {n: self.experiments.reports(study.name, n) for n in sorted(looked_at)}
        metrics = learning.reported_metrics(study.objective.name, (r for lines in seen.values() for r in lines))
        if metric == study.objective.name:
            drawn = self.experiments.curves(study.name, None if len(numbers) == len(reported) else numbers)
        else:
            lines = {n: seen[n] if n in seen else self.experiments.reports(study.name, n) for n in numbers}
            drawn = tuple(learning.metric_curve(n, lines[n], metric) for n in numbers)
        return learning.curves(study, drawn, reported, metric, metrics)

    def study_list(self) -> dict[str, Any]:
        """Every study's row; one that cannot be read is a row with its `error`, the others unaffected."""
        studies = []
        for name in self.experiments.names():
            try:
                frame = self.frame(name)
                row = views.summary(frame, self.experiments.running(name))
                row.update(error=None, warnings=list(frame.study.warnings))
            except NotFound:
                continue  # removed while listing
            except StudyReadError as err:
                row = self._error_row(name, str(err))
            except Exception as err:  # a fault in one study's views must not hide the others
                sys.stderr.write(f"hypered-dash: listing study {name!r}: {type(err).__name__}: {err}\n")
                row = self._error_row(name, f"{self.experiments.root / name}: {type(err).__name__}: {err}")
            studies.append(row)
        return {"root": str(self.experiments.root), "studies": studies}

    def _error_row(self, name: str, error: str) -> dict[str, Any]:
        try:
            running = self.experiments.running(name)
        except StudyNotFound:
            running = False
        return {"name": name, "error": error, "warnings": [], "running": running}

    def model_view(self, name: str) -> dict[str, Any]:
        from . import model

        study = self.study(name)
        try:
            fitted = self.models.get(study)
        except (model.ModelUnavailable, SpaceError) as err:
            return {"available": False, "reason": str(err), "method": model.method(study)}
        view: dict[str, Any] = clean({
            "available": True, "method": model.method(study), "trials": fitted.n,
            "importance": model.importance(fitted), "slices": self.models.run(model.slices, fitted),
        })
        return view

    def contour(self, name: str, x: str, y: str) -> Response:
        from . import model

        study = self.study(name)
        try:
            fitted = self.models.get(study)
        except (model.ModelUnavailable, SpaceError) as err:
            return 200, {"available": False, "reason": str(err)}
        try:
            return 200, {"available": True, "x_name": x, "y_name": y, **self.models.run(model.contour, fitted, x, y)}
        except model.ModelUnavailable as err:
            return 200, {"available": False, "reason": str(err)}
        except KeyError as err:
            raise ValueError(err.args[0]) from None


def _int(query: dict[str, str], key: str, default: int) -> int:
    if key not in query:
        return default
    try:
        return int(query[key])
    except ValueError:
        raise ValueError(f"{key} must be a whole number, got {query[key]!r}") from None


def _number(text: str) -> int:
    if not text.isdigit():
        raise NotFound(f"no trial {text!r}")
    return int(text)
