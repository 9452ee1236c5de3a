"""How the dashboard copes with a 10,000-trial study: times its JSON endpoints and the page load.

Builds `<tmp>/experiments/big/study.db` directly (the study.db schema, written in one
transaction), serves it with hypered-dash's server on a free port, times each JSON endpoint the
study page calls (the first, cold request, which parses the study or fits the model, and the
median of warm ones), then, if Playwright and /usr/bin/chromium are there, page loads in headless
Chromium, timed by the page's own clock: until the header and best trial show, the first screen
is drawn, every plot is drawn; how long a click on the table waits while the plots draw.
Writes benchmarks/DASHBOARD.md.

    python benchmarks/dashboard_scale.py [--trials 10000] [--runs 3] [--out benchmarks/DASHBOARD.md]
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np

from hypered.dashboard.server import make_server
from hypered.storage import StudyDatabase

SPACE = {
    "lr": {"type": "real", "low": 1e-5, "high": 1e-1, "log": True},
    "momentum": {"type": "real", "low": 0.0, "high": 0.99, "log": False},
    "dropout": {"type": "real", "low": 0.0, "high": 0.5, "log": False},
    "weight_decay": {"type": "real", "low": 1e-6, "high": 1e-2, "log": True},
    "layers": {"type": "integer", "low": 1, "high": 8, "log": False},
    "optimizer": {"type": "categorical", "choices": ["adam", "sgd", "rmsprop", "adagrad"]},
}
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def build_study(folder: Path, n: int, seed: int = 0) -> None:
    """A study.db with `n` trials: ~3% failed, the last 2 running, the rest complete."""
    folder.mkdir(parents=True)
    with StudyDatabase(folder / "study.db") as db:  # creates the schema as hypered does
        db.set_meta("name", folder.name)
        db.set_meta("space", SPACE)
        db.set_meta("objective", {"name": "val.loss", "direction": "minimize"})
        db.set_meta("created", time.time() - n * 30)
        db.set_meta("seed", seed)
        db.set_meta("iterations", n)
    rng = np.random.default_rng(seed)
    start = time.time() - n * 30
    rows = []
    for number in range(n):
        values = {
            "lr": float(10 ** rng.uniform(-5, -1)), "momentum": float(rng.uniform(0, 0.99)),
            "dropout": float(rng.uniform(0, 0.5)), "weight_decay": float(10 ** rng.uniform(-6, -2)),
            "layers": int(rng.integers(1, 9)), "optimizer": str(rng.choice(["adam", "sgd", "rmsprop", "adagrad"])),
        }
        loss = ((math.log10(values["lr"]) + 3) ** 2 + (values["momentum"] - 0.9) ** 2 * 4
                + values["dropout"] + 0.05 * abs(values["layers"] - 4) + (values["optimizer"] != "adam") * 0.3
                + rng.normal(0, 0.05))
        state = "running" if number >= n - 2 else "failed" if rng.random() < 0.03 else "complete"
        results = None if state != "complete" else {
            "val": {"loss": loss, "acc": 1 / (1 + loss)}, "train": {"loss": loss * 0.8, "time": 25.0},
            "epochs": 10, "grad_norm": float("nan") if rng.random() < 0.01 else float(rng.uniform(0, 5)),
        }
        started = start + number * 30
        finished = None if state == "running" else started + 25 + rng.uniform(0, 10)
        rows.append((number, f"{number:012x}", state, json.dumps(values), json.dumps({**values, "epochs": 10}),
                     loss if state == "complete" else None, None if results is None else json.dumps(results),
                     "exit code 1" if state == "failed" else None, started, finished,
                     None if finished is None else finished - started, 1000 + number, "bench-host", None))
    conn = sqlite3.connect(folder / "study.db", isolation_level=None)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO trials (number, key, state, sampled, params, value, results, reason, started, "
                     "finished, duration, pid, host, worker) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    conn.execute("COMMIT")
    conn.close()


def fetch(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        body = response.read()
    return time.perf_counter() - started, len(body)


def time_endpoints(base: str, n: int) -> list[dict[str, Any]]:
    paths = [  # the outline first: cold, it is read before the study is
        ("study outline (header, best trial)", "/api/studies/big/outline"),
        ("study list", "/api/studies"),
        ("study detail", "/api/studies/big"),
        ("plot columns (sampled)", "/api/studies/big/columns"),
        ("trial table page, sorted by value", "/api/studies/big/table?sort=value&limit=50"),
        ("trial table, failed only", "/api/studies/big/table?state=failed&limit=50"),
        ("GP model: importance + slices", "/api/studies/big/model"),
        ("contour (GP mean, 30x30)", "/api/studies/big/contour?x=lr&y=momentum"),
        ("one trial", f"/api/studies/big/trials/{n // 2}"),
        ("version (the poll)", "/api/studies/big/version"),
    ]
    out = []
    for label, path in paths:
        cold, size = fetch(base + path)
        warm = statistics.median(fetch(base + path)[0] for _ in range(5))
        out.append({"label": label, "path": path, "cold": cold, "warm": warm, "bytes": size})
    return out


# Installed in every page before its own scripts: stamps performance.now() (ms from the start of
# the navigation) when each stage appears, the start of the long main-thread tasks, and the
# moments a click lands and the trial table's rows change (for the sort-while-drawing step).
STAMPS = """
window.__bench = { long: [], clicks: [], rows: [] };
const stamp = (key) => { if (!(key in window.__bench)) window.__bench[key] = performance.now(); };
new MutationObserver(() => {
  if (document.getElementById("best-value")) stamp("text");
  const body = document.body;
  if (body && body.dataset.ready === "1") stamp("ready");
  if (body && body.dataset.drawn === "1") stamp("drawn");
  const rows = document.querySelector("#trial-table tbody");
  if (rows && !rows.__watched) {
    rows.__watched = true;
    const first = () => rows.firstChild && rows.firstChild.dataset.number;
    const seen = () => window.__bench.rows.push([performance.now(), first()]);
    new MutationObserver(seen).observe(rows, { childList: true });
  }
}).observe(document, { subtree: true, childList: true, attributes: true });
document.addEventListener("click", (e) => window.__bench.clicks.push(e.timeStamp), true);
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__bench.long.push([e.startTime, e.duration]);
}).observe({ type: "longtask", buffered: true });
"""
STEPS = {
    "text": "header and best trial shown",
    "ready": "first screen drawn (header, best trial, convergence plot)",
    "drawn": "every plot drawn",
    "longest": "longest main-thread task after the first screen",
    "sort": "sort the table while the plots draw: click to sorted rows",
}


def load_once(page: Any, go: Any, best: int) -> dict[str, float]:
    """Load the study page with `go`; seconds from navigation start to each stage, in-page clock."""
    go()
    page.wait_for_selector("body[data-ready='1']", timeout=120_000)
    # clicked as soon as the first screen is seen, while the other plots are still being drawn
    page.locator("#trial-table th[data-sort='value']").click()
    page.wait_for_function("() => document.querySelector('#trial-table th[data-sort=value]').textContent.includes('▲')",
                           timeout=120_000)
    page.wait_for_selector("body[data-drawn='1']", timeout=120_000)
    # data-drawn waits for the table's first rows, not for the sorted ones: under load those can come
    # later (the table asked after the click), so wait until the stamps hold them
    sorted_rows = f"""() => {{ const b = window.__bench; const click = b.clicks.at(-1);
        return click !== undefined && b.rows.some(([t, first]) => t >= click && first === "{best}"); }}"""
    page.wait_for_function(sorted_rows, timeout=120_000)
    page.wait_for_load_state("networkidle")
    b = page.evaluate("window.__bench")
    click = b["clicks"][-1]
    out = {key: b[key] / 1000 for key in ("text", "ready", "drawn")}
    out["longest"] = max((d for start, d in b["long"] if start >= b["ready"]), default=0.0) / 1000
    sorted_at = min(t for t, first in b["rows"] if t >= click and first == str(best))  # best trial on top
    out["sort"] = (sorted_at - click) / 1000
    return out


def reload(page: Any) -> None:
    """Reload the study page as first opened: the click on the table put its sort in the URL."""
    page.evaluate("history.replaceState(null, '', location.pathname)")
    page.reload()


def time_page(base: str, runs: int, reset: Any) -> dict[str, dict[str, list[float]]] | None:
    """Per kind of load, per step: the times of `runs` loads."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path(CHROMIUM).exists():
        return None
    kinds = ("first visit", "reload", "new visitor")
    out: dict[str, dict[str, list[float]]] = {kind: {step: [] for step in STEPS} for kind in kinds}
    url = base + "/study/big"
    with urllib.request.urlopen(base + "/api/studies/big", timeout=120) as response:
        best = json.load(response)["best"]["number"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for _ in range(runs):
            reset()  # the first visit starts cold on the server too: parse the study, fit the model
            for kind in kinds:
                if kind != "reload":
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # nothing cached
                    context.add_init_script(STAMPS)
                    page = context.new_page()
                times = load_once(page, functools.partial(reload, page) if kind == "reload"
                                  else functools.partial(page.goto, url), best)
                for step, value in times.items():
                    out[kind][step].append(value)
                if kind != "first visit":
                    context.close()
        browser.close()
    return out


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def report(n: int, build_s: float, endpoints: list[dict[str, Any]],
           page: dict[str, dict[str, list[float]]] | None, loads: tuple[str, str]) -> str:
    lines = [
        "# Dashboard at scale",
        "",
        f"`python benchmarks/dashboard_scale.py --trials {n}`: a study.db of {n:,} trials (6 parameters, "
        "5 metrics, ~3% failed, 2 running) built directly, served by hypered-dash's server, timed from a "
        f"client on the same machine ({platform.machine()}, {os.cpu_count()} cores shared with other work, "
        f"Python {platform.python_version()}, {chromium_version()}).",
        f"Load average (1, 5, 15 min) before: {loads[0]}; after: {loads[1]}. "
        f"Building the study.db took {build_s:.1f} s.",
        "",
        "## JSON endpoints of the study page",
        "",
        "Cold: the first request (reads and parses the study.db, or fits the GP; the outline reads only "
        "the trials' states, values and times and the best trial's row); warm: median of 5 more "
        "(cached until the study's files change; the model until the number of complete trials changes).",
        "",
        "| endpoint | path | cold (ms) | warm (ms) | size (KB) |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for e in endpoints:
        lines.append(f"| {e['label']} | `{e['path']}` | {e['cold'] * 1000:.0f} | {e['warm'] * 1000:.1f} "
                     f"| {e['bytes'] / 1024:.0f} |")
    lines += ["", "## Page load in headless Chromium", ""]
    if page is None:
        lines.append("Not measured: Playwright or /usr/bin/chromium is missing.")
    else:
        runs = len(next(iter(next(iter(page.values())).values())))
        lines += [
            f"Seconds from the start of the navigation (the page's own clock, `performance.now()`), best and "
            f"median of {runs} runs, at a 1400x1000 viewport; each stage is stamped when it enters the page "
            "(it is painted at the next frame). *First visit*: a fresh "
            "browser context (nothing cached) on a server that has just dropped its caches, so it parses "
            "the study and fits the model; *reload*: the same tab reloaded (scripts from the browser's "
            "cache, the study and model cached on the server); *new visitor*: a fresh context on a warm "
            "server. \"Every plot drawn\" includes the plots below the fold: they are drawn one at a time, "
            "those on screen first (each painted before the next), with no scrolling needed, so the page "
            "answers clicks meanwhile. The last "
            "two rows measure that: the longest task that kept the page from answering after the first "
            "screen, and a click on the table's value column made as soon as the first screen is seen "
            "(Playwright scrolls the table into view), until the rows sorted by value are shown. The page "
            "draws six Plotly figures: convergence, the scatter grid (one figure, a subplot per chosen "
            "variable and metric, 6 by default), contour, parallel coordinates, importance and the model's "
            "slices (one figure, a subplot per parameter); the longest task is the scatter grid's.",
            "",
            "| step | " + " | ".join(page) + " |",
            "| --- |" + " ---: |" * len(page),
        ]
        for step, label in STEPS.items():
            cells = [f"{min(v[step]):.2f} ({statistics.median(v[step]):.2f})" for v in page.values()]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        lines += ["", "Each cell: best (median)."]
    lines += ["", "Plots get at most 1,000 rows chosen server-side (every improvement of the best value, the "
              "best 100, running trials, then an even spread); the trial table is sorted, filtered and paged "
              "on the server; the GP is fitted on a subsample of at most 200 rows (as the optimizer does) and "
              "conditioned on at most 300.", ""]
    return "\n".join(lines)


def chromium_version() -> str:
    try:
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return "no Chromium"
    return " ".join(out.split()[:2]) or "Chromium"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="page loads of each kind (the table shows best and median)")
    parser.add_argument("--out", default=str(Path(__file__).parent / "DASHBOARD.md"))
    args = parser.parse_args()
    before = load_average()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "experiments"
        started = time.perf_counter()
        build_study(root / "big", args.trials)
        build_s = time.perf_counter() - started
        server = make_server(root, "127.0.0.1", 0)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            endpoints = time_endpoints(base, args.trials)
            page = time_page(base, args.runs, server.dashboard.clear_caches)
        finally:
            server.shutdown()
            server.server_close()
    text = report(args.trials, build_s, endpoints, page, (before, load_average()))
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
