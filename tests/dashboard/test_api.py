"""The JSON API and the server's safety rules, over HTTP against a study made by the real hypered."""

from __future__ import annotations

import gzip
import http.client
import json
import math
import re
import socket
import sqlite3
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from dashboard_helpers import XSS, serve, write_db, write_early_study

from hypered.dashboard import curves, views
from hypered.dashboard.frame import build_frame
from hypered.dashboard.server import PLOTLY_URL, STATIC, DashboardServer
from hypered.dashboard.studies import Study
from hypered.objective import Direction, Objective
from hypered.storage import Curve, StoredReport
from hypered.trial import Trial, TrialState


def get(server: DashboardServer, path: str, host: str | None = None, method: str = "GET",
        extra: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host if host is not None else f"127.0.0.1:{server.server_address[1]}")
        for key, value in (extra or {}).items():
            conn.putheader(key, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def api(server: DashboardServer, path: str, status: int = 200) -> Any:
    code, headers, body = get(server, path)
    assert code == status, body
    assert headers["Content-Type"] == "application/json"
    return json.loads(body, parse_constant=lambda c: pytest.fail(f"{path}: non-JSON constant {c}"))


def test_study_list_counts_best_and_activity(server) -> None:
    data = api(server, "/api/studies")
    studies = {s["name"]: s for s in data["studies"]}
    assert set(studies) == {"demo", "legacy"}
    demo = studies["demo"]
    counts = demo["counts"]
    assert counts["complete"] + counts["failed"] == counts["total"] >= 20
    assert counts["complete"] == 20 and counts["failed"] >= 1 and counts["running"] == 0
    assert demo["running"] is False and demo["objective"] == {"name": "loss", "direction": "minimize"}
    assert demo["best"]["value"] > 0 and demo["last_activity"] > demo["created"]
    assert studies["legacy"]["legacy"] is True and studies["legacy"]["counts"]["complete"] == 3


def test_study_detail_has_variables_metrics_and_best_trial(server, experiments: Path) -> None:
    d = api(server, "/api/studies/demo")
    variables = {v["name"]: v for v in d["variables"]}
    assert variables["lr"] == {"name": "lr", "type": "real", "low": 1e-5, "high": 0.1, "log": True}
    assert variables["opt"]["choices"] == ["adam", "sgd", XSS]
    assert d["metrics"][0] == "loss" and {"val.acc", "nan_metric", "inf_metric"} <= set(d["metrics"])
    best = d["best"]
    # NaN and infinities as json.dumps writes them (told from a missing value, null)
    assert best["metrics"]["nan_metric"] == "NaN" and best["metrics"]["inf_metric"] == "Infinity"
    assert set(best["params"]) == {"x", "lr", "layers", "opt"} and best["all_params"]["model.fixed"] == 1
    table = api(server, "/api/studies/demo/table?sort=value&limit=1")
    assert table["rows"][0]["number"] == best["number"] and table["rows"][0]["value"] == best["value"]


def test_outline_is_the_detail_without_its_metrics_cold_or_warm(server, experiments: Path, tmp_path) -> None:
    space = {"a": {"type": "real", "low": 0, "high": 1, "log": False},
             "c": {"type": "categorical", "choices": [XSS, None, 3]}}
    trials = [{"values": {"a": i / 10, "c": [XSS, None, 3][i % 3]}, "value": float(i % 4),
               "results": {"m": float("nan") if i % 2 else i, "x": float(i % 4)}} for i in range(9)]
    trials[5]["state"] = TrialState.FAILED
    write_db(tmp_path / "max", space, {"name": "x", "direction": "maximize"}, trials)
    for root, names in ((experiments, ["demo", "legacy"]), (tmp_path, ["max"])):
        for srv in serve(root):  # a new server: the outline is read before the study
            for name in names:
                outline = api(srv, f"/api/studies/{quote(name)}/outline")
                detail = api(srv, f"/api/studies/{quote(name)}")
                assert detail.pop("metrics") and "metrics" not in outline
                assert outline == detail
                assert api(srv, f"/api/studies/{quote(name)}/outline") == detail  # now from the read study
    assert outline["best"]["number"] == 3 and outline["best"]["params"]["c"] == XSS  # the first of the best
    api(server, "/api/studies/nope/outline", status=404)


def test_columns_hold_every_trial_with_missing_values_as_null(server) -> None:
    d = api(server, "/api/studies/demo")
    cols = api(server, "/api/studies/demo/columns")
    n = d["counts"]["total"]
    assert cols["total"] == cols["shown"] == n and cols["sampled"] is False
    assert len(cols["number"]) == len(cols["value"]) == len(cols["params"]["x"]) == n
    for state, value in zip(cols["state"], cols["value"]):
        assert (value is None) == (state != "complete")
    assert all(v is None for v in cols["metrics"]["nan_metric"])
    best = [b for b in cols["best_so_far"] if b is not None]
    assert best == sorted(best, reverse=True) and best[-1] == d["best"]["value"]
    assert set(cols["params"]["opt"]) <= {"adam", "sgd", XSS}


def test_table_filters_sorts_and_pages(server) -> None:
    failed = api(server, "/api/studies/demo/table?state=failed")
    assert failed["total"] >= 1 and all(r["state"] == "failed" for r in failed["rows"])
    assert all("exit" in r["reason"] or "code" in r["reason"] for r in failed["rows"])
    by_x = api(server, "/api/studies/demo/table?sort=param:x&order=desc&limit=5&offset=2")
    xs = [r["params"]["x"] for r in by_x["rows"]]
    assert xs == sorted(xs, reverse=True) and len(xs) == 5 and by_x["offset"] == 2
    by_duration = api(server, "/api/studies/demo/table?sort=duration")["rows"]
    durations = [r["duration"] for r in by_duration]
    assert durations == sorted(durations) and all(d > 0 for d in durations)
    assert api(server, "/api/studies/demo/table?sort=nope", status=400)["error"].startswith("unknown sort")
    assert "unknown state" in api(server, "/api/studies/demo/table?state=bogus", status=400)["error"]


def test_table_rows_have_metrics_and_sort_by_any_of_them(server) -> None:
    metrics = api(server, "/api/studies/demo")["metrics"]
    rows = api(server, "/api/studies/demo/table?sort=metric:val.acc&order=desc&limit=500")["rows"]
    assert all(set(r["metrics"]) == set(metrics) for r in rows)
    acc = [r["metrics"]["val.acc"] for r in rows]
    present = [a for a in acc if a is not None]
    assert len(present) == 20 and present == sorted(present, reverse=True)
    assert acc[:len(present)] == present  # the failed trials (no results) last
    ascending = api(server, "/api/studies/demo/table?sort=metric:val.acc&limit=3")["rows"]
    assert [r["metrics"]["val.acc"] for r in ascending] == sorted(present)[:3]
    assert all(r["metrics"]["nan_metric"] in ("NaN", None) for r in rows)
    assert "unknown sort" in api(server, "/api/studies/demo/table?sort=metric:nope", status=400)["error"]


def test_trial_detail_has_params_results_reason_and_log_tails(server) -> None:
    failed = api(server, "/api/studies/demo/table?state=failed")["rows"][0]["number"]
    t = api(server, f"/api/studies/demo/trials/{failed}")
    assert t["state"] == "failed" and t["reason"] and t["value"] is None
    assert "diverged" in t["stderr"]["text"] and "<script>alert(1)</script>" in t["stderr"]["text"]
    assert "epoch 2" in t["stdout"]["text"] and t["params"]["model"] == {"fixed": 1}
    ok = api(server, "/api/studies/demo/table?state=complete&limit=1")["rows"][0]["number"]
    t = api(server, f"/api/studies/demo/trials/{ok}")
    assert t["results"]["nan_metric"] is None and t["results"]["inf_metric"] is None
    assert t["duration"] > 0 and t["sampled"]["opt"] in ("adam", "sgd", XSS)
    api(server, "/api/studies/demo/trials/99999", status=404)
    api(server, "/api/studies/demo/trials/abc", status=404)


def test_model_view_and_importance(server) -> None:
    m = api(server, "/api/studies/demo/model")
    assert m["available"] is True and "lengthscale" in m["method"] and m["trials"] == 20
    assert math.isclose(sum(i["importance"] for i in m["importance"]), 1.0)
    assert m["importance"][0]["name"] == "x"  # the loss is dominated by (x - 2)^2
    slices = {s["name"]: s for s in m["slices"]}
    assert slices["opt"]["x"] == ["adam", "sgd", XSS] and len(slices["opt"]["mean"]) == 3
    assert slices["layers"]["x"] == [1, 2, 3, 4]
    x = slices["x"]
    assert len(x["x"]) == len(x["mean"]) == len(x["std"]) == 60 and all(s >= 0 for s in x["std"])
    near_two = min(range(60), key=lambda i: abs(x["x"][i] - 2.0))
    assert x["mean"][near_two] < x["mean"][0]  # the model found the valley at x = 2


def test_contour_grid(server) -> None:
    c = api(server, "/api/studies/demo/contour?x=x&y=lr")
    assert len(c["x"]) == 30 and len(c["y"]) == 30 and len(c["z"]) == 30 and len(c["z"][0]) == 30
    c = api(server, "/api/studies/demo/contour?x=opt&y=x")
    assert c["x"] == ["adam", "sgd", XSS] and len(c["z"][0]) == 3
    assert "two different" in api(server, "/api/studies/demo/contour?x=x&y=x", status=400)["error"]


def test_version_changes_only_when_the_study_does(server) -> None:
    first = api(server, "/api/studies/demo/version")
    assert first == api(server, "/api/studies/demo/version") and first["running"] is False


def test_legacy_study_infers_space_and_objective(server) -> None:
    d = api(server, "/api/studies/legacy")
    assert d["objective"]["name"] == "loss" and d["legacy"] is True
    assert {v["name"] for v in d["variables"]} == {"lr", "opt"}  # epochs is the same everywhere
    assert d["counts"] == {"complete": 3, "failed": 1, "running": 0, "interrupted": 0, "pruned": 0, "total": 4}
    assert d["best"]["value"] == pytest.approx(1.0)  # lr 0.1, trial 0
    assert api(server, "/api/studies/legacy/model")["available"] is True


def test_unknown_study_and_paths_outside_the_folder_are_404(server, experiments: Path) -> None:
    (experiments.parent / "secret").mkdir(exist_ok=True)
    (experiments.parent / "secret" / "study.db").write_text("not for you")
    for path in ["/api/studies/nope", "/api/studies/..", "/api/studies/%2E%2E%2Fsecret",
                 "/api/studies/..%2Fsecret/trials/0", "/api/nothing", "/static/../../etc/passwd",
                 "/static/%2E%2E/server.py", "/static/app.js/../../../cli.py"]:
        code, _, body = get(server, path)
        assert code == 404, path
        assert b"Traceback" not in body
    code, headers, body = get(server, "/study/nope")
    assert code == 404 and headers["Content-Type"].startswith("text/html") and b"Not found" in body
    code, _, body = get(server, "/study/" + quote(XSS))
    assert code == 404 and XSS.encode() not in body


def test_pages_are_the_app_and_scripts_are_served_locally(server) -> None:
    for path in ["/", "/study/demo", "/study/demo/trial/0", "/study/legacy", "/compare?study=demo&study=legacy"]:
        code, headers, body = get(server, path)
        assert code == 200 and b'<script type="module" src="/static/app.js">' in body
        assert b"http://" not in body and b"https://" not in body  # no CDN
        assert b"<script>" not in body  # no inline scripts
    code, headers, body = get(server, f"/static/{PLOTLY_URL}")
    assert code == 200 and headers["Content-Type"].startswith("text/javascript") and len(body) > 1_000_000
    assert get(server, "/static/vendor/plotly-cartesian.min.js")[0] == 404  # only under its versioned name
    assert get(server, "/compare/demo")[0] == 404


def test_every_module_is_preloaded_and_plotly_only_on_study_and_comparison_pages(server) -> None:
    _, headers, body = get(server, "/study/demo")
    preloaded = set(re.findall(r'<link rel="modulepreload" href="/static/([a-z]+\.js)">', body.decode()))
    modules = {name for name in STATIC if name.endswith(".js") and "/" not in name}
    assert preloaded == modules
    assert headers["Link"] == f"</static/{PLOTLY_URL}>; rel=modulepreload"
    assert "vendor" not in body.decode()  # not a blocking <script>: plots.js imports it when it draws
    for path in ["/", "/study/demo/trial/0"]:
        assert "Link" not in get(server, path)[1]
    assert get(server, "/compare?study=demo")[1]["Link"] == headers["Link"]  # the comparison is a plot too
    plots = get(server, "/static/plots.js")[2].decode()
    assert f'"/static/{PLOTLY_URL}"' in plots


def test_static_files_carry_etags_and_unchanged_ones_are_not_sent_again(server) -> None:
    code, headers, body = get(server, "/static/study.js")
    assert code == 200 and headers["Cache-Control"] == "no-cache" and body
    etag = headers["ETag"]
    code, headers, body = get(server, "/static/study.js", extra={"If-None-Match": etag})
    assert code == 304 and body == b"" and headers["ETag"] == etag
    assert get(server, "/static/study.js", extra={"If-None-Match": 'W/"other", ' + etag})[0] == 304
    assert get(server, "/static/study.js", extra={"If-None-Match": '"other"'})[0] == 200
    assert get(server, "/static/dom.js")[1]["ETag"] != etag
    code, headers, _ = get(server, f"/static/{PLOTLY_URL}", extra={"Accept-Encoding": "gzip"})
    assert code == 200 and "immutable" in headers["Cache-Control"] and headers["Content-Encoding"] == "gzip"
    assert headers["ETag"] != get(server, f"/static/{PLOTLY_URL}", method="HEAD")[1]["ETag"]  # another encoding
    assert get(server, f"/static/{PLOTLY_URL}", extra={"Accept-Encoding": "gzip",
                                                       "If-None-Match": headers["ETag"]})[0] == 304


def test_a_browser_leaving_mid_response_is_not_an_error(server, capsys) -> None:
    port = server.server_address[1]
    for _ in range(5):  # a reload or a closed tab: the connection is reset while plotly is sent
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
        sock.sendall(f"GET /static/{PLOTLY_URL} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        assert sock.recv(100).startswith(b"HTTP/1.1 200")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
        sock.close()
    time.sleep(0.5)
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error serving" not in err
    assert get(server, "/api/studies")[0] == 200


def test_security_headers_and_host_check(server) -> None:
    port = server.server_address[1]
    code, headers, _ = get(server, "/api/studies")
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert headers["X-Content-Type-Options"] == "nosniff"
    for host in ["evil.example", f"evil.example:{port}", "", f"127.0.0.1.evil.example:{port}"]:
        code, _, body = get(server, "/api/studies", host=host)
        assert code == 403, host
        assert b"demo" not in body
    for host in [f"localhost:{port}", f"127.0.0.1:{port}", "localhost"]:
        assert get(server, "/api/studies", host=host)[0] == 200
    assert get(server, "/api/studies", method="POST")[0] == 405
    assert get(server, "/api/studies", method="DELETE")[0] == 405


def test_json_is_gzipped_when_asked(server) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
    conn.request("GET", "/api/studies/demo/columns", headers={"Accept-Encoding": "gzip"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.getheader("Content-Encoding") == "gzip"
    assert json.loads(gzip.decompress(body))["total"] >= 20


def test_non_finite_values_and_hostile_names_in_a_db(tmp_path) -> None:
    root = tmp_path / "exp"
    space = {"a</script><b>": {"type": "real", "low": 0, "high": 1, "log": False},
             "c": {"type": "categorical", "choices": [XSS, None, 3, True]}}
    values = [{"a</script><b>": i / 10, "c": [XSS, None, 3, True][i % 4]} for i in range(8)]
    trials = [{"values": v, "value": float(i), "results": {"m": float("nan") if i % 2 else float("-inf"), "x": i}}
              for i, v in enumerate(values)]
    write_db(root / "we<ird> name", space, {"name": "x", "direction": "maximize"}, trials)
    for srv in serve(root):
        name = quote("we<ird> name")
        d = api(srv, f"/api/studies/{name}")
        assert d["name"] == "we<ird> name" and d["best"]["value"] == 7.0  # maximized
        assert d["variables"][1]["choices"] == [XSS, "null", "3", "true"]
        cols = api(srv, f"/api/studies/{name}/columns")
        assert cols["metrics"]["m"] == [None] * 8
        code, _, body = get(srv, f"/api/studies/{name}/columns")
        assert b"</script>" not in body and b"NaN" not in body and b"Infinity" not in body
        m = api(srv, f"/api/studies/{name}/model")
        assert m["available"] is True
        assert [s["name"] for s in m["slices"]] == ["a</script><b>", "c"]


def test_an_unreadable_study_is_one_row_with_its_error_and_the_others_work(tmp_path: Path) -> None:
    """A truncated or garbage study.db, and a stored space that cannot be read: the list still answers."""
    good = write_db(tmp_path / "good", {"x": {"type": "real", "low": 0, "high": 1, "log": False}},
                    {"name": "loss", "direction": "minimize"}, [{"values": {"x": 0.5}, "value": 1.0}])
    (tmp_path / "garbage").mkdir()
    (tmp_path / "garbage" / "study.db").write_text("not a database at all")
    (tmp_path / "cut").mkdir()
    (tmp_path / "cut" / "study.db").write_bytes(good.read_bytes()[:2048])
    odd = write_db(tmp_path / "odd", {"x": "not a variable", "y": {"type": "real", "low": 0, "high": 1}},
                   {"name": "loss", "direction": "minimize"}, [{"values": {"x": 0.5, "y": 0.2}, "value": 1.0}])
    assert odd.exists()
    for gen in serve(tmp_path):
        rows = {row["name"]: row for row in api(gen, "/api/studies")["studies"]}
        assert set(rows) == {"good", "garbage", "cut", "odd"}
        assert rows["good"]["error"] is None and rows["good"]["counts"]["complete"] == 1
        assert rows["garbage"]["error"].startswith(str(tmp_path / "garbage" / "study.db") + ": cannot read")
        assert "file is not a database" in rows["garbage"]["error"] and rows["garbage"]["running"] is False
        assert rows["cut"]["error"].startswith(str(tmp_path / "cut" / "study.db"))
        assert rows["odd"]["error"] is None
        (warning,) = rows["odd"]["warnings"]
        assert "the stored variable 'x' is unreadable" in warning and str(odd) in warning
        detail = api(gen, "/api/studies/odd")
        assert detail["warnings"] == [warning] and [v["name"] for v in detail["variables"]] == ["y"]
        assert api(gen, "/api/studies/odd/outline")["warnings"] == [warning]
        broken = api(gen, "/api/studies/garbage", status=500)
        assert broken["error"] == rows["garbage"]["error"]


def test_learning_curves_and_a_trials_reports(tmp_path: Path) -> None:
    write_early_study(tmp_path / "early")
    for srv in serve(tmp_path):
        curves = api(srv, "/api/studies/early/curves")
        assert (curves["total"], curves["shown"], curves["sampled"], curves["thinned"]) == (6, 6, False, False)
        assert curves["best"] == 2 and curves["objective"] == {"name": "loss", "direction": "minimize"}
        by_number = {c["number"]: c for c in curves["curves"]}
        assert [(n, c["state"], c["steps"]) for n, c in by_number.items()] == [
            (0, "complete", [1, 2, 3, 4, 5]), (1, "complete", [1, 2, 3, 4, 5]), (2, "complete", [1, 2, 3, 4, 5]),
            (3, "complete", [1, 2, 3, 4, 5]), (4, "pruned", [1]), (5, "pruned", [1, 2, 3])]
        assert by_number[1]["values"][1] is None  # NaN: not a point
        assert by_number[5]["values"] == pytest.approx([1.4, 1.3, 1.2])
        reports = api(srv, "/api/studies/early/trials/1")["reports"]
        assert (reports["total"], reports["shown"]) == (5, 5)
        assert reports["metrics"] == ["acc", "opt.lr", XSS]  # the objective and the step have their own columns
        assert [r["step"] for r in reports["rows"]] == [1, 2, 3, 4, 5]
        assert reports["rows"][1]["value"] is None and reports["rows"][0]["value"] == pytest.approx(0.8)
        assert reports["rows"][2]["metrics"] == {"acc": 0.6, "opt.lr": pytest.approx(0.1 / 3), XSS: 3}


def test_studies_without_reports_have_no_curves(server, tmp_path: Path) -> None:
    """A study that reported nothing, an older study.db without the reports table, trial folders."""
    assert api(server, "/api/studies/demo/curves")["curves"] == []
    assert api(server, "/api/studies/demo/trials/0")["reports"] == {"total": 0, "shown": 0, "metrics": [], "rows": []}
    assert api(server, "/api/studies/legacy/curves")["total"] == 0
    db = write_early_study(tmp_path / "old")
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE reports")
    for srv in serve(tmp_path):
        assert api(srv, "/api/studies/old/curves")["total"] == 0
        assert api(srv, "/api/studies/old/trials/5")["reports"]["rows"] == []
        assert api(srv, "/api/studies/old")["counts"]["pruned"] == 2


def test_many_curves_are_sampled_and_long_ones_thinned() -> None:
    objective = Objective("loss", Direction.MINIMIZE)
    states = [TrialState.PRUNED if i % 3 else TrialState.COMPLETE for i in range(600)] + [TrialState.RUNNING] * 2
    trials = tuple(Trial(number=i, key=f"k{i}", values={}, params={}, state=s, value=float(i))
                   for i, s in enumerate(states))
    study = Study(name="s", folder=Path("."), space={}, objective=objective, trials=trials, version="1")
    reported = [t.number for t in trials]
    numbers = curves.curve_numbers(study, reported)
    found = [Curve(i, tuple(range(1, 1001 if i == 0 else 4)), tuple([1.0] * (1000 if i == 0 else 3))) for i in numbers]
    out = curves.curves(study, found, reported)
    shown = [c["number"] for c in out["curves"]]
    assert (out["total"], out["shown"], out["sampled"], out["thinned"]) == (602, curves.MAX_CURVES, True, True)
    assert shown == sorted(shown) and {600, 601} <= set(shown)  # the running ones
    best = [t.number for t in trials if t.state is TrialState.COMPLETE][:50]
    assert set(best) <= set(shown)  # the best complete ones (lowest loss)
    pruned = [n for n in shown if states[n] is TrialState.PRUNED]
    assert len(pruned) >= 60 and max(pruned) > 550  # spread over the whole study, not its start
    first = out["curves"][0]
    assert len(first["steps"]) == curves.MAX_CURVE_STEPS and first["steps"][-1] == 1000  # the last step kept


def test_a_long_run_of_reports_lists_its_last_lines() -> None:
    study = Study(name="s", folder=Path("."), space={}, objective=Objective("loss", Direction.MINIMIZE), trials=(),
                  version="1")
    reports = [StoredReport(step=s, value=1 / s, metrics={"step": s, "loss": 1 / s, "acc": float("nan")}, time=None)
               for s in range(1, 1501)]
    out = views.trial_reports(study, reports)
    assert (out["total"], out["shown"], out["metrics"]) == (1500, views.REPORTS_SHOWN, ["acc"])
    assert out["rows"][0]["step"] == 1501 - views.REPORTS_SHOWN and out["rows"][-1]["step"] == 1500
    assert out["rows"][-1]["metrics"] == {"acc": "NaN"}  # as reported, not a blank


def test_edf_counts_every_complete_trial_and_thins_its_steps() -> None:
    values = [3.0, 1.0, 2.0, 2.0, float("nan"), None]
    states = [TrialState.COMPLETE] * 5 + [TrialState.FAILED]
    trials = tuple(Trial(number=i, key=f"k{i}", values={}, params={}, state=s, value=v)
                   for i, (v, s) in enumerate(zip(values, states)))
    study = Study(name="s", folder=Path("."), space={}, objective=Objective("loss", Direction.MINIMIZE),
                  trials=trials, version="1")
    assert views.edf(build_frame(study)) == {"count": 4, "values": [1.0, 2.0, 3.0], "shares": [0.25, 0.75, 1.0]}
    many = tuple(Trial(number=i, key=f"k{i}", values={}, params={}, state=TrialState.COMPLETE, value=float(i))
                 for i in range(1200))
    out = views.edf(build_frame(Study(name="s", folder=Path("."), space={}, objective=Objective("loss", Direction.MINIMIZE),
                                      trials=many, version="1")))
    assert out["count"] == 1200 and len(out["values"]) == len(out["shares"]) == views.MAX_EDF_STEPS
    assert out["values"][-1] == 1199.0 and out["shares"][-1] == 1.0
    assert out["values"] == sorted(out["values"]) and out["shares"] == sorted(out["shares"])


def test_columns_carry_the_edf_of_every_complete_trial(server) -> None:
    d = api(server, "/api/studies/demo")
    edf = api(server, "/api/studies/demo/columns")["edf"]
    assert edf["count"] == d["counts"]["complete"] and edf["shares"][-1] == 1.0
    assert edf["values"][0] == d["best"]["value"]  # minimize: the best is the smallest


def test_ranks_count_the_complete_trials_that_did_better() -> None:
    values = [3.0, 1.0, 2.0, 2.0, None, 0.5]
    states = [TrialState.COMPLETE] * 4 + [TrialState.FAILED, TrialState.PRUNED]
    trials = tuple(Trial(number=i, key=f"k{i}", values={}, params={}, state=s, value=v)
                   for i, (v, s) in enumerate(zip(values, states)))
    for direction, expected in [(Direction.MINIMIZE, [0.75, 0.0, 0.25, 0.25, None, 0.0]),
                                (Direction.MAXIMIZE, [0.0, 0.75, 0.25, 0.25, None, 1.0])]:
        study = Study(name="s", folder=Path("."), space={}, objective=Objective("loss", direction),
                      trials=trials, version="1")
        assert views.ranks(build_frame(study)) == expected
    cols = views.columns(build_frame(study), max_points=10)
    assert cols["rank"] == [0.0, 0.75, 0.25, 0.25, None, 1.0]


FIRST_SCREEN = """
import sys, threading, urllib.request
from pathlib import Path
from hypered.dashboard.server import make_server
server = make_server(Path({root!r}), "127.0.0.1", 0)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{{server.server_address[1]}}"
for path in ("/api/studies", "/api/studies/{name}/outline", "/api/studies/{name}"):
    assert urllib.request.urlopen(base + path).status == 200
print("HEAVY", sorted(m for m in ("scipy", "hypered.bayesopt") if m in sys.modules))
"""


@pytest.mark.parametrize("name", ["demo", "legacy"])
def test_the_first_screen_loads_no_optimizer(experiments: Path, name: str) -> None:
    """The study list, outline and detail answer without importing the GP (scipy costs ~1 s cold)."""
    code = FIRST_SCREEN.format(root=str(experiments), name=name)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "HEAVY []"
