"""When trials run: the loop that keeps slots busy until `iterations` trials are complete."""

from __future__ import annotations

import math
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from ..constraints import INFEASIBLE, ConstraintMissing, best_trial, infeasible_reason, judge
from ..errors import TooManyFailuresError
from ..objective import ObjectiveMissing
from ..pareto import objective_values, pareto_trials
from ..reporting import REPORT_PATH_ENV
from ..runners import (
    DaskRunner,
    FunctionRunner,
    Job,
    LocalRunner,
    Outcome,
    Runner,
    dask_address,
    stop_orphan,
)
from ..space import DeviceId, TrialContext
from ..storage import (
    BEST_FILE,
    DB_FILE,
    LOCK_FILE,
    PARAMS_FILE,
    RESULTS_FILE,
    ResultsError,
    StudyDatabase,
    StudyLock,
    read_results,
    trial_key,
    write_json,
)
from ..storage.legacy import LEGACY_BEST_COPY
from ..storage.reports import REPORTS_FILE, ReportReader
from ..suggest import Suggester
from ..trial import Trial, TrialState
from .answer import Answer
from .curves import Curves
from .devices import DevicePool
from .identity import fingerprint
from .preflight import Plan, plan_study
from .report import Reporter
from .spec import StudySpec
from .stopping import Rungs
from .warm import read_warm_start


def run_study(spec: StudySpec, reporter: Reporter, echo: bool = False) -> Answer | None:
    """Run (or resume) the study until `spec.iterations` trials are complete; the trial it recommends."""
    spec.study_dir.mkdir(parents=True, exist_ok=True)
    with StudyLock(spec.study_dir / LOCK_FILE):
        plan = plan_study(spec)
        if plan.action != "restart":
            return _run_locked(spec, plan, reporter, echo)
        spec.study_dir.rename(cast(Path, plan.archive))  # the lock moves with the folder
    reporter.notice(f"moved the old study {spec.name!r} to {plan.archive} "
                    f"({'; '.join(plan.changes)}); starting afresh")
    return run_study(replace(spec, on_change="refuse"), reporter, echo)


def _run_locked(spec: StudySpec, plan: Plan, reporter: Reporter, echo: bool) -> Answer | None:
    """The study's run, under its lock, once `plan` said what to do with what is stored."""
    with StudyDatabase(spec.study_dir / DB_FILE) as db:
        seed = _write_meta(db, spec, plan)
        for line in plan.describe(spec):
            reporter.notice(line)
        session = _Session(spec, db, seed, reporter)
        with _runner(spec, echo, session.judge if session.rungs else None) as runner:
            return session.run(runner)


def _runner(spec: StudySpec, echo: bool,
            judge: Callable[[int, int, dict[str, Any]], str | None] | None) -> Runner:
    if spec.function is not None:
        return FunctionRunner(spec.function, spec.objective.name, workers=spec.parallel, judge=judge)
    if spec.executor is not None:
        return DaskRunner(dask_address(spec.executor), spec.cwd)
    return LocalRunner(spec.cwd, echo=echo)


def _write_meta(db: StudyDatabase, spec: StudySpec, plan: Plan) -> int:
    """Record what `plan` decided (a new study's description, imported trials); the seed to use."""
    identity = fingerprint(spec)
    if plan.action == "new":
        db.set_meta("name", spec.name)
        db.set_meta("space", spec.space_signature())
        db.set_meta("objective", {"name": spec.objective.name,
                                  "direction": spec.objective.direction.value})
        if spec.objectives:
            db.set_meta("objectives", [{"name": o.name, "direction": o.direction.value}
                                       for o in spec.objectives])
        db.set_meta("created", time.time())
        for trial in plan.imported:
            db.save(trial)
        legacy_best = spec.study_dir / BEST_FILE
        if plan.imported and legacy_best.exists():
            legacy_best.rename(spec.study_dir / LEGACY_BEST_COPY)
    elif plan.action == "continue":
        history = db.get_meta("changes") or []
        db.set_meta("changes", [*history, {"time": time.time(), "changes": list(plan.changes)}])
    db.set_meta("fingerprint", identity)
    db.set_meta("constraints", [c.as_dict() for c in spec.constraints])
    seed = spec.seed if spec.seed is not None else db.get_meta("seed")
    if seed is None:
        seed = secrets.randbits(32)
    db.set_meta("seed", seed)
    db.set_meta("iterations", spec.iterations)
    db.set_meta("settings", {"kernel": spec.kernel, "kernel_scale": spec.kernel_scale,
                             "acquisition_fn": spec.acquisition_fn, "random_starts": spec.random_starts,
                             "parallel": spec.parallel, "executor": spec.executor})
    return int(seed)


class _Session:
    """One run of a study's loop: the trials so far, the running ones, the device pool."""

    def __init__(self, spec: StudySpec, db: StudyDatabase, seed: int, reporter: Reporter) -> None:
        self.spec = spec
        self.db = db
        self.reporter = reporter
        self.host = socket.gethostname()
        self.trials: dict[int, Trial] = {t.number: t for t in db.trials()}
        self.running: set[int] = set()
        self.curves = Curves(spec.objective)  # every trial's reports, by step
        self.readers: dict[int, ReportReader] = {}  # reports.jsonl of the running trials
        self.stopping: dict[int, str] = {}  # trials early stopping stopped, and why
        self.rungs = Rungs(spec.early_stopping, spec.objective) if spec.early_stopping else None
        for number, step, metrics in db.reports():
            self.curves.add(number, step, metrics)
            if self.rungs is not None:
                self.rungs.judge(number, step, metrics)
        self.failures_in_a_row = 0
        devices = [(n, u) for n, u in spec.params.utilities if isinstance(u, DeviceId)]
        self.devices = DevicePool(devices)
        warm = read_warm_start(spec.warm_start, spec.params, spec.all_objectives)
        self.suggester = Suggester(
            spec.encoding, spec.objective, random_starts=spec.random_starts, seed=seed,
            kernel=spec.kernel, kernel_scale=spec.kernel_scale,
            acquisition=spec.acquisition_fn, restarts=spec.optimizer_restarts,
            initial=spec.initial, warm=warm.trials if warm is not None else (),
            constraints=spec.constraints, others=spec.objectives[1:], noisy=spec.noisy,
            iterations=spec.iterations,
        )
        if warm is not None:
            db.set_meta("warm_start", warm.meta)
        self._judge_again()
        self._recover()
        self.requeue = self._interrupted_trials()

    # -- resume -----------------------------------------------------------------------------

    def _judge_again(self) -> None:
        """Judge the stored complete trials against this run's constraints (which a study
        continued with on_change="continue" may have changed), from their stored results."""
        for trial in list(self.trials.values()):
            if trial.state is TrialState.COMPLETE:
                verdict = judge(self.spec.constraints, trial.results)
                kept = None if (trial.reason or "").startswith(INFEASIBLE) else trial.reason
                reason = kept if verdict.feasible else infeasible_reason(verdict)
                if reason != trial.reason:
                    self._save(replace(trial, reason=reason))

    def _recover(self) -> None:
        """Trials left running by a driver that died: pick up their results or mark them."""
        for trial in list(self.trials.values()):
            if trial.state is not TrialState.RUNNING:
                continue
            if trial.host == self.host and trial.pid and trial.started:
                stop_orphan(trial.pid, trial.started)  # its program outlived the driver
            self._watch(trial)
            self._read_reports(trial.number)
            path = self._left_results(self.spec.study_dir / trial.key)
            if path.parent.name.startswith("attempt-"):  # reported after the driver died, on a shared disk
                self._watch(trial, path.parent / REPORTS_FILE)
                self._read_reports(trial.number)
            try:
                outcome = Outcome(trial.number, results=read_results(path),
                                  finished=path.stat().st_mtime)
            except (ResultsError, OSError):
                outcome = Outcome(trial.number, reason="the study stopped while it ran",
                                  interrupted=True, finished=time.time())
            self._record(trial, outcome)

    @staticmethod
    def _left_results(folder: Path) -> Path:
        """Where a trial left running may have written its results: its folder, or on a Dask
        cluster with a shared filesystem the newest attempt's (the one a rerun would trust)."""
        def attempt(path: Path) -> int:
            number = path.parent.name.removeprefix("attempt-")
            return int(number) if number.isdigit() else -1

        attempts = sorted(folder.glob(f"attempt-*/{RESULTS_FILE}"), key=attempt)
        return folder / RESULTS_FILE if (folder / RESULTS_FILE).exists() or not attempts else attempts[-1]

    def _interrupted_trials(self) -> list[Trial]:
        """Interrupted trials that no later trial re-ran (in their folder): they run first, there."""
        latest: dict[str, Trial] = {}
        for trial in sorted(self.trials.values(), key=lambda t: t.number):
            latest[trial.key] = trial
        return [t for t in latest.values() if t.state is TrialState.INTERRUPTED]

    # -- the loop ---------------------------------------------------------------------------

    def run(self, runner: Runner) -> Answer | None:
        self.reporter.started(self.spec, self._sorted())
        best = self.best()
        if best is not None:  # imported trials, or a driver killed between a trial and best.json
            write_json(self.spec.study_dir / BEST_FILE, self._observed_answer(best).summary(self.spec))
        message = ""
        try:
            while True:
                if not message:
                    message = self._fill(runner)
                if not self.running:
                    break
                for outcome in runner.wait(timeout=0.5):
                    self._finish(outcome)
                self._poll_reports(runner)
        except BaseException:
            for outcome in runner.cancel():
                self._finish(outcome, check_failures=False)
            for number in list(self.running):  # not known to the runner (never started)
                self._finish(Outcome(number, reason="interrupted", interrupted=True),
                             check_failures=False)
            raise
        answer = self.answer()
        if answer is not None:
            self._keep_answer(answer)
        self.reporter.finished(answer, message or self._done_message())
        return answer

    def _fill(self, runner: Runner) -> str:
        """Start trials while slots are free and more are needed; a message if none can be."""
        while len(self.running) < self.spec.parallel and \
                self.n_done + len(self.running) < self.spec.iterations:
            if self.requeue:
                retried = self.requeue.pop(0)
                self._start(retried.values, runner, retried.key)
                continue
            values = self.suggester.suggest(self._for_model())
            if values is None:
                size = self.spec.encoding.size
                return (f"every one of the {size} configurations of the search space has been "
                        f"tried; stopping with {self.n_complete} complete trials")
            self._start(values, runner)
        return ""

    def _folder_key(self, values: dict[str, Any], number: int) -> str:
        """Trial `number`'s folder name: the hash of its values, or for values that already ran
        (a repeat, to tell whether the objective is noisy) the hash and the first free "-2", "-3"..."""
        key, used = trial_key(values), {t.key for t in self.trials.values()}
        if key not in used:
            return key
        first = min(t.number for t in self.trials.values() if t.key == key)
        known = self.spec.noisy is not None or self.suggester.repeated(self._sorted()) is not None
        why = "to check a noisy objective's best candidate" if known else "to tell whether the objective is noisy"
        self.reporter.remark(f"trial {number} repeats trial {first}'s values, {why}")
        return next(f"{key}-{n}" for n in range(2, len(used) + 3) if f"{key}-{n}" not in used)

    def _start(self, values: dict[str, Any], runner: Runner, key: str | None = None) -> None:
        """Start a trial with `values` in a new folder, or in `key`'s (an interrupted trial's, retried)."""
        number = max(self.trials, default=-1) + 1  # self.trials holds every row of study.db
        key = key or self._folder_key(values, number)
        folder = (self.spec.study_dir / key).absolute()
        folder.mkdir(parents=True, exist_ok=True)
        devices = self.devices.acquire(number)
        context = TrialContext(str(folder), str(folder / PARAMS_FILE), str(folder / RESULTS_FILE),
                               number, devices)
        params = self.spec.params.build(values, context)
        write_json(folder / PARAMS_FILE, params)
        (folder / REPORTS_FILE).unlink(missing_ok=True)  # an earlier attempt's, kept in study.db
        trial = Trial(number, key, values, params, TrialState.RUNNING, started=time.time(),
                      host=self.host)
        self._save(trial)
        self.running.add(number)
        self.reporter.trial_started(trial)
        if self.spec.function is None and (folder / RESULTS_FILE).exists():
            try:  # the seed's cache: a folder that already holds results is not run again
                self._finish(Outcome(number, results=read_results(folder / RESULTS_FILE),
                                     started=trial.started, finished=time.time(),
                                     worker="cache"))
                return
            except ResultsError:
                (folder / RESULTS_FILE).unlink(missing_ok=True)
        self._watch(trial)
        pid = runner.submit(self._job(trial, folder, devices))
        if pid is not None:
            self._save(replace(trial, pid=pid))

    def _job(self, trial: Trial, folder: Path, devices: dict[str, int]) -> Job:
        env = {"HYPERED_TRIAL_DIR": str(folder), "HYPERED_TRIAL_NUMBER": str(trial.number),
               "HYPERED_STUDY": self.spec.name, REPORT_PATH_ENV: str(folder / REPORTS_FILE)}
        if devices:
            env["HYPERED_DEVICE_ID"] = str(next(iter(devices.values())))
        command: tuple[str, ...] = ()
        if self.spec.command is not None:
            fields = {"params_path": str(folder / PARAMS_FILE),
                      "results_path": str(folder / RESULTS_FILE),
                      "experiment_dir": str(folder), "report_path": str(folder / REPORTS_FILE),
                      **trial.params}
            command = self.spec.command.render(fields)
        return Job(trial.number, trial.params, folder, folder / PARAMS_FILE, folder / RESULTS_FILE,
                   command, env, timeout=self.spec.timeout, report_path=folder / REPORTS_FILE,
                   log_limit=self.spec.log_limit)

    # -- reports and early stopping -----------------------------------------------------------

    def _watch(self, trial: Trial, path: Path | None = None) -> None:
        """Read a running trial's reports.jsonl (in its folder unless `path`) after the last step kept."""
        last = self.curves.last(trial.number)
        path = path or self.spec.study_dir / trial.key / REPORTS_FILE
        self.readers[trial.number] = ReportReader(path, last_step=-1 if last is None else last[0])

    def _read_reports(self, number: int) -> list[str]:
        """Keep the lines trial `number` reported since the last read; why to stop it, if so."""
        reader = self.readers.get(number)
        if reader is None:
            return []
        verdicts = []
        for report in reader.read(time.time()):
            value = self.curves.add(number, report.step, report.metrics)
            stored = None if value is None or not math.isfinite(value) else value
            self.db.save_report(number, report.step, stored, report.metrics, report.time)
            if self.rungs is not None:
                verdict = self.judge(number, report.step, report.metrics)
                if verdict is not None:
                    verdicts.append(verdict)
        for problem in reader.problems:
            self.reporter.notice(f"trial {number}: {problem}")
        reader.problems.clear()
        return verdicts

    def _poll_reports(self, runner: Runner) -> None:
        """Read every running trial's new reports; stop the trials early stopping judged hopeless."""
        for number in sorted(self.running):
            if self._read_reports(number):
                runner.stop(number)

    def judge(self, number: int, step: int, metrics: dict[str, Any]) -> str | None:
        """Why trial `number` should stop after reporting `metrics` at `step`, or None (any thread)."""
        assert self.rungs is not None
        if number in self.stopping:
            return self.stopping[number]
        verdict = self.rungs.judge(number, step, metrics)
        if verdict is not None:
            self.stopping[number] = verdict
        return verdict

    def _for_model(self) -> list[Trial]:
        """The trials as the optimizer sees them: a stopped trial as complete at its extrapolated value."""
        trials = self._sorted()
        pruned = [t for t in trials if t.state is TrialState.PRUNED]
        if not pruned:
            return trials
        finals = {t.number: t.value for t in trials if t.state is TrialState.COMPLETE and t.value is not None}
        # results=None: a stopped trial has no final constraint values, so it is neither
        # feasible nor infeasible to the optimizer (its reports are not its results)
        shown = {t.number: replace(t, state=TrialState.COMPLETE, value=value, results=None) for t in pruned
                 if (value := self.curves.extrapolate(t.number, finals)) is not None}
        return [shown.get(t.number, t) for t in trials]

    # -- ends of trials -----------------------------------------------------------------------

    def _finish(self, outcome: Outcome, check_failures: bool = True) -> None:
        trial = self.trials[outcome.number]
        self.running.discard(trial.number)
        self.devices.release(trial.number)
        self._read_reports(trial.number)
        self.readers.pop(trial.number, None)
        trial = self._record(trial, outcome)
        self._keep_files(trial, outcome)
        self.reporter.trial_finished(trial, self.best())
        if trial.state is TrialState.COMPLETE and trial.key != trial_key(trial.values):
            repeat = self.suggester.repeated(self._sorted())
            if repeat is not None and repeat.second == trial.number:
                self.reporter.remark(f"{repeat.verdict}: the objective is "
                                     f"{'noisy' if repeat.noisy else 'deterministic'}")
        if trial.state is TrialState.COMPLETE:
            self.failures_in_a_row = 0
        elif trial.state is TrialState.FAILED:
            self.failures_in_a_row += 1
            if check_failures and self.failures_in_a_row >= self.spec.max_failures:
                raise TooManyFailuresError(self._failures_message(trial, outcome))

    def _keep_files(self, trial: Trial, outcome: Outcome) -> None:
        """Results and logs of a trial that ran away from its folder (a function, a remote worker)."""
        folder = self.spec.study_dir / trial.key
        for name, text in (outcome.logs or {}).items():
            (folder / name).write_text(text)
        if outcome.results is not None and (self.spec.function is not None or outcome.logs is not None):
            write_json(folder / RESULTS_FILE, outcome.results)

    def _record(self, trial: Trial, outcome: Outcome) -> Trial:
        """Store how `trial` ended; update best.json when it completed."""
        state, value, reason, results = TrialState.FAILED, None, outcome.reason, outcome.results
        if outcome.reason is None and not outcome.interrupted:
            try:
                measured = self.spec.objective.value(outcome.results)
                objective_values(self.spec.objectives, outcome.results)  # each must be there too
                for constraint in self.spec.constraints:  # a missing metric fails the trial, as a
                    constraint.value(outcome.results)  # missing objective does: likely a misspelt name
                value, state = measured, TrialState.COMPLETE
            except (ObjectiveMissing, ConstraintMissing) as err:
                reason = str(err)
            if state is TrialState.COMPLETE:
                verdict = judge(self.spec.constraints, outcome.results)
                reason = None if verdict.feasible else infeasible_reason(verdict)
        if state is not TrialState.COMPLETE and trial.number in self.stopping:
            state, reason = TrialState.PRUNED, self.stopping[trial.number]
            last = self.curves.last(trial.number)
            results = None if last is None else last[1]
            value = None if last is None or last[2] is None or not math.isfinite(last[2]) else last[2]
        elif state is not TrialState.COMPLETE and outcome.interrupted:
            state = TrialState.INTERRUPTED
        trial = replace(
            trial, state=state, value=value, results=results, reason=reason,
            finished=outcome.finished or time.time(),
            started=outcome.started or trial.started,
            pid=outcome.pid or trial.pid, host=outcome.host or trial.host,
            worker=outcome.worker or trial.worker,
        )
        self._save(trial)
        if state is TrialState.COMPLETE and (self.spec.objectives or self.best() is trial):
            best = cast(Trial, self.best())
            write_json(self.spec.study_dir / BEST_FILE, self._observed_answer(best).summary(self.spec))
        return trial

    def _save(self, trial: Trial) -> None:
        self.trials[trial.number] = trial
        self.db.save(trial)

    # -- summaries --------------------------------------------------------------------------

    def _sorted(self) -> list[Trial]:
        return [self.trials[n] for n in sorted(self.trials)]

    @property
    def n_complete(self) -> int:
        return sum(t.state is TrialState.COMPLETE for t in self.trials.values())

    @property
    def n_done(self) -> int:
        """Trials that count toward `iterations`: complete ones, and those stopped early."""
        return sum(t.state in (TrialState.COMPLETE, TrialState.PRUNED) for t in self.trials.values())

    def answer(self) -> Answer | None:
        """The trial the study recommends (the model's choice on a noisy objective, among the
        feasible trials), or None; the least infeasible trial, unjudged, while none is feasible."""
        observed = self.best()
        if observed is None:
            return None
        if self.spec.objectives:
            return self._observed_answer(observed)
        choice = self.suggester.recommend(self._sorted())
        if choice is None:
            return Answer(observed, observed, None)
        return Answer(self.trials[choice.trial], observed, choice.noisy,
                      choice.value if choice.noisy else None, choice.noise_std, declared=choice.declared,
                      repeat=choice.repeat)

    def _observed_answer(self, best: Trial) -> Answer:
        """The answer from the observed values alone (`best`: the best observed trial); with
        several objectives, the Pareto set among the feasible trials."""
        front = pareto_trials(self._sorted(), self.spec.objectives, self.spec.constraints) \
            if self.spec.objectives else []
        return Answer(best, best, None, front=tuple(front))

    def _keep_answer(self, answer: Answer) -> None:
        """best.json, and the recommendation in study.db for readers of the store."""
        write_json(self.spec.study_dir / BEST_FILE, answer.summary(self.spec))
        self.db.set_meta("recommendation", {
            "trial": answer.trial.number, "noisy": answer.noisy, "posterior_mean": answer.posterior_mean,
            "noise_std": answer.noise_std, "declared": answer.declared, "complete": self.n_complete,
            "repeat": None if answer.repeat is None else answer.repeat.verdict,
        })

    def best(self) -> Trial | None:
        """The best feasible complete trial, else the least infeasible one (constraints.best_trial)."""
        return best_trial(self._sorted(), self.spec.objective, self.spec.constraints)

    def _done_message(self) -> str:
        pruned = self.n_done - self.n_complete
        stopped = f", {pruned} stopped early" if pruned else ""
        return f"{self.n_complete} of {self.spec.iterations} trials complete{stopped}"

    def _failures_message(self, trial: Trial, outcome: Outcome) -> str:
        folder = self.spec.study_dir / trial.key
        lines = [f"{self.failures_in_a_row} trials failed in a row (max_failures="
                 f"{self.spec.max_failures}); the last, trial {trial.number} in {folder}, "
                 f"failed: {trial.reason}"]
        stderr = outcome.stderr_tail.strip()
        if stderr:
            lines.append("its stderr ends with:")
            lines += ["  " + line for line in stderr.splitlines()[-10:]]
        return "\n".join(lines)
