"""Browser test helpers: a Chromium tab that records errors, the JSON API, screenshots."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class Page:
    """A browser tab that records console errors, page errors and dialogs (an alert = XSS)."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def open(self, path: str, ready: str = "body[data-drawn='1']") -> Any:
        self.page.goto(self.base + path)
        self.page.wait_for_selector(ready, timeout=30_000)
        return self.page

    def js(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def points(self, selector: str, trace: int = 0) -> int:
        """Markers drawn by the `trace`-th scatter trace of the plot at `selector` (-1: the last)."""
        return self.js(f"""(() => {{ const traces = [...document.querySelectorAll({json.dumps(selector + " .scatterlayer .trace")})];
            const t = traces.at({trace}); return t ? t.querySelectorAll('path.point').length : -1; }})()""")

    def subplots(self, selector: str) -> list[dict[str, Any]]:
        """The subplots of a grid figure (#scatter-grid, #slices-grid), in order: each the `meta` of its
        main trace ([variable, metric] or a slice's parameter), its axis types, title and tick labels as
        drawn, and the markers drawn by its first trace (`points`) and by its last (`stars`)."""
        return self.js(f"""(() => {{ const gd = document.querySelector({json.dumps(selector)});
            if (!gd || !gd._fullLayout || !gd.data) return [];
            const axis = (id) => gd._fullLayout[id.charAt(0) + 'axis' + id.slice(1)];
            const titles = [...gd.querySelectorAll('.annotation-text')].map(t => t.textContent);
            return gd.data.filter(t => t.meta !== undefined).map((t, k) => {{
                const [x, y] = [t.xaxis || 'x', t.yaxis || 'y'];
                const sub = gd.querySelector('.subplot.' + x + y);
                const traces = sub ? [...sub.querySelectorAll('.scatterlayer .trace')] : [];
                const count = (tr) => tr ? tr.querySelectorAll('path.point').length : -1;
                return {{ meta: t.meta, xaxis: x, yaxis: y, xtype: axis(x).type, ytype: axis(y).type,
                    title: titles[k], points: count(traces[0]), stars: count(traces.at(-1)), traces: traces.length,
                    ticks: [...gd.querySelectorAll('.' + x + 'tick text')].map(n => n.textContent) }};
            }}); }})()""")

    def wait_subplots(self, selector: str, n: int) -> list[dict[str, Any]]:
        """The subplots of a grid figure once it has `n` of them, every one drawn."""
        self.page.wait_for_function(f"""() => {{ const gd = document.querySelector({json.dumps(selector)});
            return gd && gd.data && gd._fullLayout && gd.data.filter(t => t.meta !== undefined).length === {n}
                && gd.querySelectorAll('.cartesianlayer .subplot').length === {n}; }}""")
        cells = self.subplots(selector)
        assert len(cells) == n
        return cells

    def close(self) -> None:
        self.context.close()


def api(base: str, path: str) -> Any:
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return json.load(response)


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
