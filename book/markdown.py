r"""Markdown to HTML for the book, with TeX rendered at build time as MathML (no math script in the page).

nbconvert's markdown parser (``MarkdownWithMath``) already keeps ``$...$`` and ``$$...$$`` away from the
markdown rules; its renderer writes them back as TeX for MathJax. :class:`MathMLRenderer` writes MathML
instead (``latex2mathml``), which Chromium and Firefox render natively and screen readers read.

A literal dollar in the lessons is written ``\\$`` (JupyterLab's markdown turns it into ``\$``, which
MathJax prints as ``$``). Here it becomes the entity ``&#36;`` before parsing, so it is a dollar sign and
never opens math.
"""

from __future__ import annotations

import re
from html import escape

from latex2mathml.converter import convert
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

#: A literal dollar as the lessons write it (``\\$``, or a lone ``\$``), outside math.
LITERAL_DOLLAR = re.compile(r"\\\\\$|(?<!\\)\\\$")
DOLLAR_ENTITY = "&#36;"


class MathError(ValueError):
    """A formula latex2mathml cannot convert (the message quotes the TeX)."""


def tex_to_mathml(tex: str, display: bool = False) -> str:
    """``tex`` (without its ``$`` delimiters) as a ``<math>`` element; ``display`` for a block formula."""
    try:
        return convert(tex.strip(), display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises its own exception types for unknown commands
        raise MathError(f"cannot convert TeX to MathML: {tex!r}: {exc}") from exc


class MathMLRenderer(IPythonRenderer):
    """nbconvert's renderer (code highlighting, anchors, tables) with formulas as MathML instead of TeX."""

    def block_math(self, body: str) -> str:
        """``$$...$$``: a block ``<math display="block">``."""
        return tex_to_mathml(body, display=True)

    def inline_math(self, body: str) -> str:
        """``$...$``: an inline ``<math>``."""
        return tex_to_mathml(body)

    def latex_environment(self, name: str, body: str) -> str:
        """``\\begin{name}...\\end{name}``: the whole environment as block math."""
        return tex_to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)


def protect_dollars(source: str) -> str:
    """Literal dollars (``\\$``) as an HTML entity, so the math parser cannot read them as delimiters."""
    return LITERAL_DOLLAR.sub(DOLLAR_ENTITY, source)


def markdown_to_html(source: str, attachments: dict | None = None, path: str = "") -> str:
    """A markdown cell's HTML, math as MathML, literal dollars as dollar signs."""
    renderer = MathMLRenderer(escape=False, attachments=attachments, path=path, anchor_link_text="¶")
    return str(MarkdownWithMath(renderer=renderer).render(protect_dollars(source)))


def inline_markdown(source: str) -> str:
    """One paragraph's markdown as HTML without the ``<p>`` around it (the index's questions and objectives)."""
    html = markdown_to_html(source).strip()
    return re.sub(r"^<p>(.*)</p>$", r"\1", html, flags=re.S)


__all__ = ["DOLLAR_ENTITY", "MathError", "MathMLRenderer", "escape", "inline_markdown", "markdown_to_html",
           "protect_dollars", "tex_to_mathml"]
