"""``python -m book --out _build/book``: build the static book (see :mod:`book.build`)."""

from __future__ import annotations

import sys

from .build import main

if __name__ == "__main__":
    sys.exit(main())
