"""compute_econ.cluster.sites (issue 12): to be written."""

from __future__ import annotations

__all__: list[str] = []
