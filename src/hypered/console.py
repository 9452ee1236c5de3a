"""The terminal view of a running study: a progress bar, failed trials, the best trial."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from .pareto import describe, objective_values
from .space import Categorical
from .space.conditions import choices_for, describe_when
from .study import BEST_FILE, Answer, StudySpec
from .trial import Trial, TrialState


def _leaves(tree: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted name, value) of every leaf of nested dicts."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _leaves(value, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, tree


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return value if isinstance(value, str) else json.dumps(value)


class ConsoleReporter:
    """Reports a study on the terminal; a context manager so the bar always closes."""

    def __init__(self, console: Console, quiet: bool = False) -> None:
        self.console = console
        self.quiet = quiet
        self.spec: StudySpec | None = None
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._running = 0  # trials started and not yet finished, shown when parallel > 1
        self._pruned = 0  # trials stopped early, shown with early_stopping

    def __enter__(self) -> ConsoleReporter:
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop()

    def _stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def _print(self, text: str) -> None:
        if not self.quiet:
            target = self._progress.console if self._progress else self.console
            target.print(text, highlight=False, soft_wrap=True)  # paths stay whole when piped

    def notice(self, message: str) -> None:
        self._print(f"[yellow]{escape(message)}[/]")

    def remark(self, message: str) -> None:
        self._print(escape(message))

    def started(self, spec: StudySpec, trials: list[Trial]) -> None:
        self.spec = spec
        done = sum(t.state is TrialState.COMPLETE for t in trials)
        self._pruned = sum(t.state is TrialState.PRUNED for t in trials)
        stopped = f", {self._pruned} stopped early" if self._pruned else ""
        resumed = f", resuming with {done} complete{stopped}" if done or self._pruned else ""
        self._print(f"[bold]{escape(spec.name)}[/]: {spec.iterations} trials{resumed}, "
                    f"{escape(describe(spec.all_objectives))}, in {escape(str(spec.study_dir))}")
        if self.quiet or not self.console.is_terminal:
            return
        running = [TextColumn("{task.fields[running]} running")] if spec.parallel > 1 else []
        if spec.early_stopping is not None:
            running.append(TextColumn("{task.fields[pruned]} stopped early"))
        self._progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), *running,
            TextColumn("best {task.fields[best]}"), TimeElapsedColumn(), TextColumn("eta"),
            TimeRemainingColumn(), console=self.console, transient=False,
        )
        self._progress.start()
        self._task = self._progress.add_task(spec.name, total=spec.iterations, completed=done + self._pruned,
                                             best="-", running=0, pruned=self._pruned)

    def trial_started(self, trial: Trial) -> None:
        self._running += 1
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, running=self._running)

    def trial_finished(self, trial: Trial, best: Trial | None) -> None:
        assert self.spec is not None
        self._running = max(self._running - 1, 0)
        best_text = "-" if best is None or best.value is None else f"{best.value:.6g}"
        if best is not None and best.reason:  # a complete trial's reason: it broke a constraint
            best_text += " (infeasible)"
        folder = self.spec.study_dir / trial.key
        if trial.state is TrialState.FAILED:
            self._print(f"[yellow]trial {trial.number} failed[/]: {escape(trial.reason or '')} "
                        f"[dim]({escape(str(folder))})[/]")
        elif trial.state is TrialState.INTERRUPTED:
            self._print(f"trial {trial.number} interrupted")
        elif trial.state is TrialState.PRUNED:
            self._pruned += 1
            if self._progress is None:
                self._print(f"trial {trial.number} {escape(trial.reason or 'stopped early')}")
        elif self._progress is None:
            complete = self._count_line(trial, best_text)
            self._print(complete)
        if self._progress is not None and self._task is not None:
            advance = 1 if trial.state in (TrialState.COMPLETE, TrialState.PRUNED) else 0
            self._progress.update(self._task, advance=advance, best=best_text, running=self._running,
                                  pruned=self._pruned)

    def _count_line(self, trial: Trial, best_text: str) -> str:
        infeasible = f", [yellow]{escape(trial.reason)}[/]" if trial.reason else ""
        if self.spec is not None and self.spec.objectives:
            scores = objective_values(self.spec.objectives, trial.results)
            shown = ", ".join(f"{escape(o.name)} {v:.6g}" for o, v in zip(self.spec.objectives, scores, strict=True))
            return f"trial {trial.number} complete: {shown}{infeasible}"
        return (f"trial {trial.number} complete: {trial.value:.6g}{infeasible} "
                f"(best {escape(best_text)})")

    def finished(self, answer: Answer | None, message: str) -> None:
        self._stop()
        assert self.spec is not None
        self._print(escape(message))
        if answer is None:
            self.console.print("no trial completed, so there is no best trial", highlight=False, soft_wrap=True)
            return
        if self.spec.objectives:
            self._pareto_end(answer)
            return
        if answer.trial.reason:
            self._print(f"[yellow]no trial kept every constraint[/]: the best shown, trial "
                        f"{answer.trial.number}, is the least infeasible "
                        f"({escape(answer.trial.reason)})")
        if not self.quiet:
            self.console.print(best_table(self.spec, answer))
            if answer.noisy:
                observed = answer.observed
                also = (" and the best observed value" if observed.number == answer.trial.number else
                        f"; the best observed, trial {observed.number} at {observed.value:.6g}, may be a lucky draw")
                self._print(f"{escape(answer.why_noisy)} (noise std {answer.noise_std:.3g}): trial "
                            f"{answer.trial.number} has the best posterior mean, "
                            f"{answer.posterior_mean:.6g}{also}")
        self.console.print(f"best trial written to {escape(str(self.spec.study_dir / BEST_FILE))}", soft_wrap=True,
                           highlight=False)


    def _pareto_end(self, answer: Answer) -> None:
        assert self.spec is not None
        if not answer.front:
            self._print("[yellow]no trial kept every constraint[/], so the Pareto set is empty "
                        f"(the least infeasible is trial {answer.trial.number}: "
                        f"{escape(answer.trial.reason or '')})")
        elif not self.quiet:
            self.console.print(pareto_table(self.spec, answer.front))
        self.console.print(f"Pareto set written to {escape(str(self.spec.study_dir / BEST_FILE))}",
                           soft_wrap=True, highlight=False)


def pareto_table(spec: StudySpec, front: Sequence[Trial]) -> Table:
    """The Pareto set: one row per trial, its objectives' values then its sampled params."""
    table = Table(title=f"Pareto set: {len(front)} trial{'s' if len(front) != 1 else ''}, "
                  f"{escape(describe(spec.objectives))}", title_justify="left")
    table.add_column("trial", justify="right")
    for objective in spec.objectives:
        table.add_column(escape(objective.name), justify="right")
    names = list(dict.fromkeys(name for name, _ in spec.params.variables))  # branches may share a name
    for name in names:
        table.add_column(escape(name), style="dim")
    for trial in front:
        scores = objective_values(spec.objectives, trial.results)
        table.add_row(str(trial.number), *(escape(_show(v)) for v in scores),
                      *(escape(_show(trial.values[name])) if name in trial.values else "–" for name in names))
    return table


def best_table(spec: StudySpec, answer: Answer) -> Table:
    """The recommended trial's sampled params and its numeric metrics."""
    best = answer.trial
    how = " (best posterior mean)" if answer.noisy else ""
    how += " (INFEASIBLE: the least infeasible trial)" if best.reason else ""
    table = Table(title=f"best: trial {best.number}{how}", title_justify="left")
    table.add_column("name")
    table.add_column("value", justify="right")
    for name, value in best.values.items():
        table.add_row(escape(name), escape(_show(value)))
    table.add_section()
    for name, value in _leaves(best.results):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            mark = " *" if name == spec.objective.name else \
                " (constrained)" if any(c.name == name for c in spec.constraints) else ""
            table.add_row(escape(name + mark), escape(_show(value)))
    return table


def space_table(spec: StudySpec) -> Table:
    """The search space and settings of a study, for --dry-run."""
    table = Table(title=f"{escape(spec.name)}: {escape(describe(spec.all_objectives))}", title_justify="left")
    table.add_column("parameter")
    table.add_column("definition")
    conditions = spec.params.conditions or (None,) * len(spec.params.variables)
    for index, ((name, var), condition) in enumerate(zip(spec.params.variables, conditions)):
        text = f"categorical({list(var.choices)!r})" if isinstance(var, Categorical) else var.describe()
        if condition is not None:  # a branch's parameter
            text += f", only when {describe_when(choices_for(spec.params.variables, conditions, index))}"
        table.add_row(escape(name), escape(text))
    for name, utility in spec.params.utilities:
        table.add_row(escape(name), escape(utility.describe()))
    for constraint in spec.constraints:
        table.add_row("[dim]constraint[/]", escape(constraint.describe()))
    return table
