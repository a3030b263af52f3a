"""Small HTML tables for lessons: presentation only."""

from __future__ import annotations

import html

import numpy as np
from IPython.display import HTML

from compute_econ.trends import TrainingRuns

from ._format import count, sci


def runs_table(runs: TrainingRuns) -> HTML:
    """The notable-runs table as HTML: name, organisation, year, N, D, FLOP, and whether it is an estimate."""
    head = "".join(f"<th>{h}</th>" for h in ("run", "organisation", "year", "parameters", "tokens", "training FLOP", "figure is"))
    rows = []
    order = np.argsort(runs.year)
    for i in order:
        kind = "estimate" if "estimate" in runs.note[i].lower() else "reported"
        rows.append(
            "<tr>"
            f"<td>{html.escape(runs.name[i])}</td><td>{html.escape(runs.organisation[i])}</td>"
            f"<td>{runs.year[i]:.1f}</td><td>{count(runs.n_params[i])}</td><td>{count(runs.n_tokens[i])}</td>"
            f"<td>{sci(runs.training_flop[i])}</td>"
            f'<td title="{html.escape(runs.source[i])} — {html.escape(runs.note[i])}">{kind}</td>'
            "</tr>"
        )
    return HTML(
        '<table class="ce-table" style="font-size:90%"><thead><tr>'
        + head + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        "<p style='font-size:85%'>Hover over <i>reported/estimate</i> for the source of each row; "
        "the full citations are in <code>compute_econ/data/training_runs.csv</code>.</p>"
    )
