"""Small HTML tables for lessons: presentation only.

Each table is named by a ``<caption>``, heads its columns with ``<th scope="col">`` and starts each row with the
name the row is about as ``<th scope="row">`` (WCAG 2.1 SC 1.3.1 Info and Relationships; techniques H39, H63), so a
screen reader announces a number with its row and column (checked by tests/test_lessons_a11y.py).
"""

from __future__ import annotations

import html

import numpy as np
from IPython.display import HTML

from compute_econ import serving, trends
from compute_econ.hardware import Accelerator
from compute_econ.serving import ApiPrice, ModelArchitecture
from compute_econ.trends import NotableModels, TrainingRuns

from ._format import count, number, sci

# Inline styles (JupyterLab right-aligns every table cell and pads them generously): text columns left,
# numbers right, rows compact enough for a whole table to fit one slide.
_TABLE = 'class="ce-table" style="font-size:85%;border-collapse:collapse;line-height:1.25"'
_TEXT = 'style="text-align:left;padding:1px 8px"'
_NUM = 'style="text-align:right;padding:1px 8px"'
_CAPTION = 'style="caption-side:top;text-align:left;font-weight:bold;padding:2px 8px"'
# The name that starts each row is its header cell (WCAG 2.1 technique H63, scope="row"), set like the other text.
_ROW = 'scope="row" style="text-align:left;padding:1px 8px;font-weight:normal"'


def _head(cols, text_cols: int) -> str:
    """The header row's cells, each a column header (WCAG 2.1 technique H63: ``scope="col"``)."""
    return "".join(f'<th scope="col" {_TEXT if i < text_cols else _NUM}>{h}</th>' for i, h in enumerate(cols))


def _row_head(name: str, title: str = "") -> str:
    """The first cell of a row, the name the row is about, as its row header; ``title`` is shown on hover."""
    hover = f' title="{html.escape(title)}"' if title else ""
    return f"<th {_ROW}{hover}>{html.escape(name)}</th>"


def _table(caption: str, cols, text_cols: int, rows: list[str], note_html: str) -> HTML:
    """The kit's table: a caption naming it (WCAG 2.1 technique H39), a header (the first ``text_cols`` columns
    left-aligned), the rows (each started by :func:`_row_head`), and a small note below."""
    return HTML(f"<table {_TABLE}><caption {_CAPTION}>{html.escape(caption)}</caption><thead><tr>"
                + _head(cols, text_cols) + "</tr></thead><tbody>" + "".join(rows)
                + f"</tbody></table><p style='font-size:85%'>{note_html}</p>")


def _params(active: float, total: float) -> str:
    """``70.0 B``, or for a mixture of experts ``37.0 B active of 671 B``."""
    if np.isnan(total):
        return count(active)
    return f"{count(active)} active of {count(total)}"


def runs_table(runs: TrainingRuns, models: NotableModels | None = None) -> HTML:
    """The landmark-runs table as HTML: name, organisation, year, N, D, FLOP, whether it is an estimate and,
    given Epoch AI's data (``models``), Epoch's estimate for the same model beside the kit's."""
    epoch = {c.name: c for c in trends.compare_with_epoch(runs, models)} if models is not None else {}
    cols = ["run", "organisation", "year", "parameters", "tokens", "training FLOP", "figure is"]
    if models is not None:
        cols.append("Epoch AI's estimate")
    rows = []
    order = np.argsort(runs.year)
    totals = runs.n_params_total if runs.n_params_total is not None else np.full(len(runs.name), np.nan)
    for i in order:
        kind = "estimate" if "estimate" in runs.note[i].lower() else "reported"
        extra = ""
        if models is not None:
            c = epoch.get(runs.name[i])
            if c is None:
                extra = f"<td {_NUM}>not in the data</td>"
            else:
                same = abs(c.ratio - 1) <= 0.05
                extra = (f'<td {_NUM} title="{html.escape(c.epoch_model)}">{sci(c.epoch_training_flop)}'
                         + ("" if same else f" <b>({c.ratio:.2g}×)</b>") + "</td>")
        rows.append(
            "<tr>"
            f"{_row_head(runs.name[i])}<td {_TEXT}>{html.escape(runs.organisation[i])}</td>"
            f"<td {_NUM}>{runs.year[i]:.1f}</td><td {_NUM}>{_params(runs.n_params[i], totals[i])}</td>"
            f"<td {_NUM}>{count(runs.n_tokens[i])}</td><td {_NUM}>{sci(runs.training_flop[i])}</td>"
            f'<td {_NUM} title="{html.escape(runs.source[i])} — {html.escape(runs.note[i])}">{kind}</td>'
            + extra + "</tr>"
        )
    credit = f"<br>Epoch AI's column: {html.escape(models.credit)}." if models is not None else ""
    return _table("Landmark training runs: parameters, tokens and training compute", cols, 2, rows,
                  "For a mixture of experts, <i>parameters</i> is the count active per token "
                  "(the N of 6ND) out of all experts' parameters. Hover over <i>reported/estimate</i> for the source of "
                  "each row; the full citations are in <code>compute_econ/data/training_runs.csv</code>." + credit)


def accelerators_table(accelerators: dict[str, Accelerator]) -> HTML:
    """The accelerator catalogue as HTML: dense peaks, memory, interconnect, power, price (estimates marked)."""
    cols = ("accelerator", "year", "BF16 TFLOP/s", "FP8 TFLOP/s", "HBM GB", "HBM TB/s", "scale-up GB/s",
            "board W", "price (USD)")
    rows = []
    for a in sorted(accelerators.values(), key=lambda a: (a.release_year, a.name)):
        fp8 = f"{a.peak_flop_per_s_fp8 / 1e12:,.0f}" if a.peak_flop_per_s_fp8 else "—"
        link = f"{a.interconnect_bytes_per_s / 1e9:,.0f}" if a.interconnect_bytes_per_s else "—"
        watts = f"{a.board_watts:,.0f}" if a.board_watts else "not published"
        if a.price_usd:
            price = f"{a.price_usd:,.0f}" + (" (est.)" if a.price_is_estimate else "")
        else:
            price = "not published"
        rows.append(
            "<tr>"
            f"{_row_head(a.name, a.source)}<td {_NUM}>{a.release_year}</td>"
            f"<td {_NUM}>{a.peak_flop_per_s / 1e12:,.0f}</td><td {_NUM}>{fp8}</td>"
            f"<td {_NUM}>{a.memory_bytes / 1e9:,.0f}</td><td {_NUM}>{a.memory_bytes_per_s / 1e12:.2f}</td>"
            f"<td {_NUM}>{link}</td><td {_NUM}>{watts}</td>"
            f'<td {_NUM} title="{html.escape(a.price_source)}">{price}</td>'
            "</tr>"
        )
    return _table("Accelerators: peak compute, memory, interconnect, power and price", cols, 1, rows,
                  "Dense peaks (no sparsity). Hover over a name for its datasheet, over a price for its source; notes "
                  "and full citations are in <code>compute_econ/data/accelerators.csv</code>.")


def architectures_table(architectures: dict[str, ModelArchitecture]) -> HTML:
    """The serving model's architectures as HTML: parameters (active of total for a mixture of experts), the
    shapes that set the KV cache, the cache per token and the weights in BF16, both from
    :mod:`compute_econ.serving`."""
    cols = ("model", "attention", "year", "parameters", "layers", "query / KV heads", "KV cache per token",
            "weights in BF16", "context")
    rows = []
    for a in sorted(architectures.values(), key=lambda a: (a.release_year, a.n_params_total)):
        kinds = {"gqa": "grouped-query", "mla": "multi-head latent", "mha": "multi-head", "mqa": "multi-query"}
        total = np.nan if a.n_params_total == a.n_params_active else a.n_params_total
        kv = serving.kv_cache_bytes_per_token(a)
        rows.append(
            "<tr>"
            f"{_row_head(a.name, a.source)}"
            f"<td {_TEXT}>{kinds.get(a.attention, html.escape(a.attention))}</td><td {_NUM}>{a.release_year}</td>"
            f"<td {_NUM}>{_params(a.n_params_active, total)}</td><td {_NUM}>{a.n_layers}</td>"
            f"<td {_NUM}>{a.n_heads} / {a.n_kv_heads}</td><td {_NUM}>{kv / 1e3:,.1f} kB</td>"
            f"<td {_NUM}>{number(serving.weight_bytes(a, 'bf16') / 1e9)} GB</td>"
            f"<td {_NUM}>{a.context_tokens:,}</td>"
            "</tr>"
        )
    return _table("Model architectures: parameters, KV cache per token and weights", cols, 2, rows,
                  "Hover over a name for its source (paper table, model card or configuration); full citations are "
                  "in <code>compute_econ/data/model_architectures.csv</code>. For the mixture of experts, "
                  "<i>parameters</i> is the count each token computes with, out of all that must be held in memory.")


def api_prices_table(prices: tuple[ApiPrice, ...]) -> HTML:
    """Published API prices as HTML, oldest first: input and output USD per million tokens and their ratio."""
    cols = ("model", "provider", "reasoning", "date", "input, USD per M tokens", "output, USD per M tokens",
            "output / input")
    rows = []
    for p in prices:
        rows.append(
            "<tr>"
            f"{_row_head(p.model, p.source)}"
            f"<td {_TEXT}>{html.escape(p.provider)}</td><td {_TEXT}>{'yes' if p.reasoning else ''}</td>"
            f"<td {_NUM}>{html.escape(p.date)}</td>"
            f"<td {_NUM}>{p.usd_per_m_input:,.2f}</td><td {_NUM}>{p.usd_per_m_output:,.2f}</td>"
            f"<td {_NUM}>{p.output_to_input_ratio:.1f}×</td>"
            "</tr>"
        )
    return _table("Published API prices, USD per million tokens", cols, 3, rows,
                  "List prices at launch (or the date shown), USD per million tokens. Hover over a model for its "
                  "source; full citations are in <code>compute_econ/data/api_prices.csv</code>.")
