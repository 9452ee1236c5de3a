"""Dashboard test helpers: studies made by the real `hypered`, study.db files built directly, a live server."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypered.dashboard.server import DashboardServer, make_server
from hypered.storage import StudyDatabase
from hypered.trial import Trial, TrialState

PROGRAM = Path(__file__).parent / "programs" / "train.py"
XSS = "<img src=x onerror=alert(1)>"
HYPERED = [sys.executable, "-m", "hypered.cli"]


def study_config(name: str, iterations: int, sleep: float = 0.0, random_starts: int = 6) -> str:
    """A config running programs/train.py over x, lr (log), layers and opt (with the XSS choice)."""
    return textwrap.dedent(f"""
        optimize(
            name={name!r},
            objective=minimize("loss"),
            binary="{sys.executable} {PROGRAM} {{params_path}} {{results_path}} --sleep {sleep}",
            random_starts={random_starts},
            iterations={iterations},
            seed=3,
            max_failures=50,
            params={{
                "x": real(-10, 10),
                "lr": real(1e-5, 1e-1, log=True),
                "layers": integer(1, 4),
                "opt": categorical(["adam", "sgd", {XSS!r}]),
                "model": {{"fixed": 1}},
            }},
        )
    """).lstrip()


def run_study(root: Path, name: str, iterations: int, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run the real `hypered` command on a study of programs/train.py under `root`."""
    conf = root.parent / f"{name}.conf"
    conf.write_text(study_config(name, iterations, **kwargs))
    return subprocess.run([*HYPERED, str(conf), "--dir", str(root), "--quiet"], capture_output=True,
                          text=True, timeout=300)


def start_study(root: Path, name: str, iterations: int, **kwargs: Any) -> subprocess.Popen[str]:
    conf = root.parent / f"{name}.conf"
    conf.write_text(study_config(name, iterations, **kwargs))
    return subprocess.Popen([*HYPERED, str(conf), "--dir", str(root), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def write_legacy_study(folder: Path) -> None:
    """An older study: trial folders of params.json / results.json only (one without results)."""
    for i, (lr, opt) in enumerate([(0.1, "a"), (0.01, "b"), (0.001, "a"), (0.0001, "b")]):
        trial = folder / f"trial{i}"
        trial.mkdir(parents=True)
        (trial / "params.json").write_text(json.dumps({"lr": lr, "opt": opt, "epochs": 5}))
        if i < 3:
            (trial / "results.json").write_text(json.dumps({"loss": lr * 10 + i, "acc": 0.5}))


def write_db(folder: Path, space: dict[str, Any], objective: dict[str, str],
             trials: list[dict[str, Any]]) -> Path:
    """A study.db written with hypered's own StudyDatabase (each trial dict: Trial's fields)."""
    folder.mkdir(parents=True, exist_ok=True)
    with StudyDatabase(folder / "study.db") as db:
        db.set_meta("name", folder.name)
        db.set_meta("space", space)
        db.set_meta("objective", objective)
        db.set_meta("created", 1_700_000_000.0)
        db.set_meta("iterations", len(trials))
        for number, fields in enumerate(trials):
            fields = {"key": f"k{number}", "params": fields.get("values", {}), "state": TrialState.COMPLETE,
                      "started": 1_700_000_000.0 + number, "finished": 1_700_000_000.5 + number, **fields}
            db.save(Trial(number=number, **fields))
    return folder / "study.db"


def write_reports(db: Path, lines: dict[int, list[dict[str, Any]]], objective: str = "loss") -> None:
    """Reports kept in a study.db as the study loop keeps them: trial number -> its lines, steps 1, 2, ...

    A line's "step" is added; its objective value is kept as the `value` column (None when absent or NaN).
    """
    with StudyDatabase(db) as store:
        for number, metrics in lines.items():
            for step, line in enumerate(metrics, start=1):
                value = line.get(objective)
                finite = isinstance(value, (int, float)) and math.isfinite(value)
                store.save_report(number, step, value if finite else None, {"step": step, **line},
                                  1_700_000_000.0 + number + step / 100)


def write_early_study(folder: Path) -> Path:
    """A study.db of trials that reported step by step: 4 complete (5 steps, trial 2 the best) and
    2 stopped early (trial 4 after step 1, trial 5 after step 3); lines carry `acc`, a nested metric
    and the XSS string as a metric name, and trial 1 reported NaN at step 2."""
    space = {"x": {"type": "real", "low": 0, "high": 1, "log": False}}
    finals = [0.5, 0.4, 0.2, 0.3]
    trials: list[dict[str, Any]] = [{"values": {"x": i / 5}, "value": v} for i, v in enumerate(finals)]
    trials += [{"values": {"x": 0.9}, "state": TrialState.PRUNED, "value": 2.0, "reason": "stopped at step 1"},
               {"values": {"x": 0.95}, "state": TrialState.PRUNED, "value": 1.2, "reason": "stopped at step 3"}]
    db = write_db(folder, space, {"name": "loss", "direction": "minimize"}, trials)
    lines: dict[int, list[dict[str, Any]]] = {}
    for number, final in enumerate([*finals, 2.0, 1.2]):
        steps = 5 if number < 4 else 1 if number == 4 else 3
        lines[number] = [{"loss": final + (steps - s) / 10, "acc": 1 - final, "opt": {"lr": 0.1 / s}, XSS: s}
                         for s in range(1, steps + 1)]
    lines[1][1]["loss"] = float("nan")
    write_reports(db, lines)
    return db


def serve(root: Path) -> Iterator[DashboardServer]:
    server = make_server(root, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
