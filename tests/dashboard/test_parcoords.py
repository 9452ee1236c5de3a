"""Parallel coordinates: each coloured line has the colour the colour bar gives its objective value."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import Page
from dashboard_helpers import serve, write_db

SPACE = {"lr": {"type": "real", "low": 1e-4, "high": 1.0, "log": True},
         "layers": {"type": "integer", "low": 1, "high": 8, "log": False}}
# Each coloured line's objective value (read back from its height on the objective axis) and colour,
# and the colour the bar's scale gives that value.
LINES = """() => { const data = document.getElementById('plot-parcoords').data;
    const marker = data.find(t => t.name === 'objective').marker;
    const values = marker.color, lo = Math.min(...values), hi = Math.max(...values);
    const last = Math.max(...data.find(t => t.name === 'axes').x.filter(v => v !== null));
    const bar = (v) => { const t = (v - marker.cmin) / (marker.cmax - marker.cmin);
        const stops = marker.colorscale; const k = Math.min(stops.length / 2 - 1, Math.max(0, Math.floor(t * stops.length / 2)));
        return stops[2 * k][1]; };
    return data.filter(t => t.name.startsWith('trials ')).flatMap(t => t.x.flatMap((x, i) => x === last
        ? [[lo + t.y[i] * (hi - lo), t.line.color, bar(lo + t.y[i] * (hi - lo))]] : [])); }"""


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_line_colours_are_the_colour_bars(browser: Any, tmp_path: Path, direction: str) -> None:
    trials = [{"values": {"lr": 10 ** (-4 + 4 * ((i * 37) % 300) / 299), "layers": 1 + i % 8},
               "value": math.exp(((i * 53) % 300) / 60)} for i in range(300)]  # skewed: value bands are not rank bands
    write_db(tmp_path / "s", SPACE, {"name": "loss", "direction": direction}, trials)
    for srv in serve(tmp_path):
        tab = Page(browser, f"http://127.0.0.1:{srv.server_address[1]}")
        page = tab.open("/study/s")
        page.locator("#parallel").scroll_into_view_if_needed()
        page.wait_for_function("() => document.getElementById('parcoords-note').dataset.coloured === '200'")
        lines = tab.js(LINES)
        assert len(lines) == 200
        assert all(colour == bar for _, colour, bar in lines)
        values = sorted(v for v, _, _ in lines)
        best = values[0] if direction == "minimize" else values[-1]
        worst = values[-1] if direction == "minimize" else values[0]
        colour = {round(v, 9): c for v, c, _ in lines}
        assert colour[round(best, 9)] == "#fde725" and colour[round(worst, 9)] == "#440154"  # yellow the best, as on the bar
        assert len(set(colour.values())) >= 4
        tab.close()
        assert tab.errors == [] and tab.dialogs == []
