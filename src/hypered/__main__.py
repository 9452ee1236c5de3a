"""`python -m hypered`: the same as the `hypered` command."""

import sys

from .cli import main

sys.exit(main())
