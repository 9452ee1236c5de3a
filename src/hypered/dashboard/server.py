"""The HTTP server: standard-library threads, GET only, read-only, strict headers.

Pages are one static app (index.html + ES modules) that fetches everything as JSON. Every
response carries a Content-Security-Policy without inline scripts or eval; requests whose Host
header is not an address this server answers on are refused (DNS rebinding); static files come
from a fixed table, so no URL path reaches the file system. Static files carry an ETag: the
app's own are revalidated on each load (304 when unchanged), the vendored plotly has its version
in its URL and is cached for good, so a reload reuses the browser's parsed copy.
"""

from __future__ import annotations

import gzip
import hashlib
import ipaddress
import json
import socket
import sys
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .api import Dashboard, NotFound

CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
JS = "text/javascript; charset=utf-8"
REVALIDATE = "no-cache"  # kept by the browser, asked again on each load: a 304 when unchanged
DAY = "public, max-age=86400"
IMMUTABLE = "public, max-age=31536000, immutable"  # the URL names the version: a new one is a new URL
PLOTLY_URL = "vendor/plotly-cartesian-4.1.1.min.js"  # plots.js names it too
STATIC = {  # URL name -> (file under static/, content type, Cache-Control)
    "app.js": ("app.js", JS, REVALIDATE),
    "dom.js": ("dom.js", JS, REVALIDATE),
    "draw.js": ("draw.js", JS, REVALIDATE),
    "list.js": ("list.js", JS, REVALIDATE),
    "study.js": ("study.js", JS, REVALIDATE),
    "plots.js": ("plots.js", JS, REVALIDATE),
    "brush.js": ("brush.js", JS, REVALIDATE),
    "table.js": ("table.js", JS, REVALIDATE),
    "trial.js": ("trial.js", JS, REVALIDATE),
    "controls.js": ("controls.js", JS, REVALIDATE),
    "curves.js": ("curves.js", JS, REVALIDATE),
    "grid.js": ("grid.js", JS, REVALIDATE),
    "parcoords.js": ("parcoords.js", JS, REVALIDATE),
    "sections.js": ("sections.js", JS, REVALIDATE),
    "selection.js": ("selection.js", JS, REVALIDATE),
    "summary.js": ("summary.js", JS, REVALIDATE),
    "compare.js": ("compare.js", JS, REVALIDATE),
    "scatter.js": ("scatter.js", JS, REVALIDATE),
    "pareto.js": ("pareto.js", JS, REVALIDATE),
    "style.css": ("style.css", "text/css; charset=utf-8", REVALIDATE),
    "favicon.svg": ("favicon.svg", "image/svg+xml", DAY),
    PLOTLY_URL: ("vendor/plotly-cartesian.min.js", JS, IMMUTABLE),
}
_GZIP_MIN = 1024


@dataclass(frozen=True)
class StaticFile:
    """One bundled file as sent: its bytes and the ETag that names them."""

    body: bytes
    etag: str


class StaticFiles:
    """The bundled files, read once, with their gzipped forms made on first use."""

    def __init__(self) -> None:
        self._root = resources.files("hypered.dashboard") / "static"
        self._files: dict[tuple[str, bool], StaticFile] = {}
        self._lock = threading.Lock()

    def get(self, name: str, gzipped: bool) -> StaticFile:
        with self._lock:
            if (name, False) not in self._files:
                body = (self._root / name).read_bytes()
                self._files[name, False] = StaticFile(body, f'"{hashlib.sha256(body).hexdigest()[:20]}"')
            plain = self._files[name, False]
            if not gzipped:
                return plain
            if (name, True) not in self._files:  # another representation, so another ETag
                body = gzip.compress(plain.body, compresslevel=6, mtime=0)
                self._files[name, True] = StaticFile(body, plain.etag[:-1] + '-gzip"')
            return self._files[name, True]


def etag_matches(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names `etag` (weak comparison, as RFC 9110 asks for GET)."""
    if not header:
        return False
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or etag in (t.removeprefix("W/") for t in tags)


class DashboardServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], dashboard: Dashboard, quiet: bool = True) -> None:
        self.dashboard = dashboard
        self.static = StaticFiles()
        self.quiet = quiet
        super().__init__(address, Handler)
        self.allowed_hosts = allowed_hosts(address[0], self.server_address[1])

    @property
    def url(self) -> str:
        host = str(self.server_address[0])
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else host
        if ":" in shown and not shown.startswith("["):
            shown = f"[{shown}]"
        return f"http://{shown}:{self.server_address[1]}/"


def allowed_hosts(host: str, port: int) -> set[str]:
    """Host header values accepted: the bound address (and loopback names when it is loopback)."""
    names = {host}
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is not None and (ip.is_loopback or ip.is_unspecified):
        names |= {"localhost", "127.0.0.1", "[::1]"}
    if ip is not None and ip.is_unspecified:
        names |= {socket.gethostname(), socket.getfqdn()}
    if ip is not None and ip.version == 6:
        names.add(f"[{host}]")
    return {n.lower() for n in names} | {f"{n.lower()}:{port}" for n in names}


def _host_ok(server: DashboardServer, header: str | None) -> bool:
    if not header:
        return False
    header = header.strip().lower()
    if header in server.allowed_hosts:
        return True
    if "0.0.0.0" in server.allowed_hosts or "::" in server.allowed_hosts:
        # bound to every address: any IP literal of this machine is fine (no DNS involved)
        name = header.rsplit(":", 1)[0] if not header.endswith("]") else header
        try:
            ipaddress.ip_address(name.strip("[]"))
            return True
        except ValueError:
            return False
    return False


class Handler(BaseHTTPRequestHandler):
    server: DashboardServer
    server_version = "hypered-dash"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
        if not self.server.quiet:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def handle(self) -> None:
        try:
            super().handle()
        except ConnectionError:  # the browser left while its request was read: no one to answer
            self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if not _host_ok(self.server, self.headers.get("Host")):
            self._send_json(HTTPStatus.FORBIDDEN, {"error": "this Host header is not served here"})
            return
        url = urlsplit(self.path)
        parts = [unquote(p) for p in url.path.split("/")[1:]]
        if parts and parts[-1] == "" and len(parts) > 1:
            parts = parts[:-1]
        query = dict(parse_qsl(url.query))
        try:
            if parts and parts[0] == "api":
                status, payload = self.server.dashboard.handle(parts[1:], query)
                self._send_json(status, payload)
            elif parts and parts[0] == "static":
                self._send_static("/".join(parts[1:]))
            else:
                self._send_page(parts)
        except ConnectionError:  # the browser left (a closed tab, a reload): no one to answer
            self.close_connection = True
        except NotFound as err:
            self._send_json(HTTPStatus.NOT_FOUND, {"error": str(err)})
        except ValueError as err:
            self._send_json(HTTPStatus.BAD_REQUEST, {"error": str(err)})
        except Exception as err:  # a server must answer: the reason goes to the log and the client
            sys.stderr.write(f"hypered-dash: error serving {self.path!r}: {type(err).__name__}: {err}\n")
            self._send_json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": f"{type(err).__name__}: {err}"})

    do_HEAD = do_GET  # noqa: N815 (_send leaves the body out)

    def _method_not_allowed(self) -> None:
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"read-only: GET only\n", "text/plain; charset=utf-8",
                   extra={"Allow": "GET"})

    do_POST = do_PUT = do_DELETE = do_PATCH = _method_not_allowed  # noqa: N815

    def _send_page(self, parts: list[str]) -> None:
        """The app's page for /, /compare, /study/NAME and /study/NAME/trial/N; the 404 page otherwise."""
        dashboard = self.server.dashboard
        found = parts in ([], [""], ["compare"])
        extra = {"Cache-Control": "no-cache"}
        study_page = len(parts) == 2 and parts[0] == "study"
        if parts == ["compare"]:
            extra["Link"] = f"</static/{PLOTLY_URL}>; rel=modulepreload"
        if study_page:
            found = dashboard.exists(parts[1])
            extra["Link"] = f"</static/{PLOTLY_URL}>; rel=modulepreload"  # fetched and compiled, not run
        elif len(parts) == 4 and parts[0] == "study" and parts[2] == "trial" and parts[3].isdigit():
            found = dashboard.exists(parts[1], int(parts[3]))
        page = self.server.static.get("index.html" if found else "404.html", gzipped=False)
        self._send(HTTPStatus.OK if found else HTTPStatus.NOT_FOUND, page.body, "text/html; charset=utf-8",
                   extra=extra)
        if study_page and found:
            dashboard.read_ahead(parts[1])  # while the browser loads the scripts

    def _send_static(self, name: str) -> None:
        if name not in STATIC:
            raise NotFound("no such file")
        file, kind, cache = STATIC[name]
        gzipped = "gzip" in self.headers.get("Accept-Encoding", "")
        sent = self.server.static.get(file, gzipped=gzipped)
        extra = {"Cache-Control": cache, "ETag": sent.etag, "Vary": "Accept-Encoding"}
        if etag_matches(self.headers.get("If-None-Match"), sent.etag):
            self._send(HTTPStatus.NOT_MODIFIED, b"", kind, extra=extra)
            return
        if gzipped:
            extra["Content-Encoding"] = "gzip"
        self._send(HTTPStatus.OK, sent.body, kind, extra=extra)

    def _send_json(self, status: int, payload: Any) -> None:
        text = json.dumps(payload, allow_nan=False, separators=(",", ":")).replace("</", "<\\/")
        body = text.encode()
        extra = {"Cache-Control": "no-store"}
        if len(body) > _GZIP_MIN and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=5, mtime=0)
            extra["Content-Encoding"] = "gzip"
        self._send(status, body, "application/json", extra=extra)

    def _send(self, status: int, body: bytes, kind: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if status != HTTPStatus.NOT_MODIFIED:  # a 304 has no body, so no type or length of one
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def make_server(root: Path, host: str = "127.0.0.1", port: int = 8080, quiet: bool = True) -> DashboardServer:
    """A server for the studies under `root` (OSError if the address cannot be bound)."""
    return DashboardServer((host, port), Dashboard(root), quiet=quiet)
