"""The static book: every lesson executed without a live kernel, as pages, decks and an index (``make book``).

``python -m book --out _build/book`` executes each ``lessons/*.ipynb`` in book mode (:mod:`widgets.book`),
renders it as a textbook page (``lessons/<stem>.html``) and a reveal.js deck (``decks/<stem>.html``), writes
``index.html`` and copies what the pages load (BokehJS, reveal.js, CSS) into ``_static/``. Nothing a page
loads comes from the internet: open ``index.html`` from disk or copy the folder to any static host.

Modules: :mod:`book.lessons` reads a lesson's title, question, objectives and time; :mod:`book.markdown`
renders markdown with its TeX as MathML; :mod:`book.build` does the rest.
"""

from __future__ import annotations

#: Largest lesson page or deck the build accepts, in bytes (MB = 10^6 bytes).
PAGE_BUDGET_BYTES = 5_000_000
#: Largest whole book (every file under the output folder) the build accepts, in bytes (MB = 10^6 bytes).
BOOK_BUDGET_BYTES = 60_000_000

__all__ = ["BOOK_BUDGET_BYTES", "PAGE_BUDGET_BYTES"]
