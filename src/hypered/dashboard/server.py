"""The HTTP server: standard-library threads, GET only, read-only, strict headers.

Pages are one static app (index.html + ES modules) that fetches everything as JSON. Every
response carries a Content-Security-Policy without inline scripts or eval; requests whose Host
header is not an address this server answers on are refused (DNS rebinding); static files come
from a fixed table, so no URL path reaches the file system.
"""

from __future__ import annotations

import gzip
import ipaddress
import json
import socket
import sys
import threading
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
STATIC = {  # URL name -> (file under static/, content type, cache seconds)
    "app.js": ("app.js", "text/javascript; charset=utf-8", 0),
    "dom.js": ("dom.js", "text/javascript; charset=utf-8", 0),
    "list.js": ("list.js", "text/javascript; charset=utf-8", 0),
    "study.js": ("study.js", "text/javascript; charset=utf-8", 0),
    "plots.js": ("plots.js", "text/javascript; charset=utf-8", 0),
    "table.js": ("table.js", "text/javascript; charset=utf-8", 0),
    "trial.js": ("trial.js", "text/javascript; charset=utf-8", 0),
    "style.css": ("style.css", "text/css; charset=utf-8", 0),
    "favicon.svg": ("favicon.svg", "image/svg+xml", 86400),
    "vendor/plotly-cartesian.min.js": ("vendor/plotly-cartesian.min.js", "text/javascript; charset=utf-8", 86400),
}
_GZIP_MIN = 1024


class StaticFiles:
    """The bundled files, read once, with their gzipped forms made on first use."""

    def __init__(self) -> None:
        self._root = resources.files("hypered.dashboard") / "static"
        self._plain: dict[str, bytes] = {}
        self._gzipped: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, name: str, gzipped: bool) -> bytes:
        with self._lock:
            if name not in self._plain:
                self._plain[name] = (self._root / name).read_bytes()
            if not gzipped:
                return self._plain[name]
            if name not in self._gzipped:
                self._gzipped[name] = gzip.compress(self._plain[name], compresslevel=6, mtime=0)
            return self._gzipped[name]


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
        """The app's page for /, /study/NAME and /study/NAME/trial/N; the 404 page otherwise."""
        dashboard = self.server.dashboard
        found = parts in ([], [""])
        if len(parts) == 2 and parts[0] == "study":
            found = dashboard.exists(parts[1])
        elif len(parts) == 4 and parts[0] == "study" and parts[2] == "trial" and parts[3].isdigit():
            found = dashboard.exists(parts[1], int(parts[3]))
        name = "index.html" if found else "404.html"
        body = self.server.static.get(name, gzipped=False)
        self._send(HTTPStatus.OK if found else HTTPStatus.NOT_FOUND, body, "text/html; charset=utf-8")

    def _send_static(self, name: str) -> None:
        if name not in STATIC:
            raise NotFound("no such file")
        file, kind, max_age = STATIC[name]
        gzipped = "gzip" in self.headers.get("Accept-Encoding", "")
        body = self.server.static.get(file, gzipped=gzipped)
        extra = {"Cache-Control": f"public, max-age={max_age}" if max_age else "no-cache"}
        if gzipped:
            extra["Content-Encoding"] = "gzip"
        self._send(HTTPStatus.OK, body, kind, extra=extra)

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
