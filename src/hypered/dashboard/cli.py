"""`hypered-dash`: serve the experiments folder as a web dashboard."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    print("hypered-dash: the dashboard is not yet available in this version", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
