"""`hypered-dash`: serve the studies of an experiments folder as a web dashboard."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .server import make_server


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="hypered-dash",
        description="Serve every study under an experiments folder as a read-only web dashboard.",
    )
    parser.add_argument("--dir", default="experiments", help="the experiments folder (default: ./experiments)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default: 8080; 0 picks a free one)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    root = Path(args.dir)
    if not root.is_dir():
        print(f"hypered-dash: experiments folder {str(root)!r} does not exist "
              "(give the folder holding your study folders with --dir)", file=sys.stderr)
        return 1
    if not 0 <= args.port <= 65535:
        print(f"hypered-dash: --port must be in 0..65535, got {args.port}", file=sys.stderr)
        return 2
    try:
        server = make_server(root, args.host, args.port, quiet=not args.verbose)
    except OSError as err:
        print(f"hypered-dash: cannot listen on {args.host}:{args.port}: {err.strerror or err}"
              " (is another server using it? try --port)", file=sys.stderr)
        return 1
    print(f"hypered-dash: serving the studies in {root.resolve()} at {server.url}", flush=True)
    print("Open that address in a browser; press Ctrl-C to stop.", flush=True)
    try:
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        return 130
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
