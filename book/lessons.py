"""What the index says about a lesson, read from the lesson itself: title, question, objectives, time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

#: The lessons' own line for their time (tests/test_lessons.py reads it the same way).
TIME_PATTERN = re.compile(r"Estimated time:\*\* (?:about )?(\d+) minutes")


@dataclass(frozen=True)
class LessonInfo:
    """One lesson as the index lists it; the texts are markdown (rendered by :mod:`book.markdown`)."""

    path: Path          # the notebook
    stem: str           # file name without .ipynb: the page's and the deck's name
    title: str          # the first ``# `` heading
    question: str       # the "**The question.**" paragraph, without its label
    objectives: tuple[str, ...]  # the numbered list after "**Learning objectives.**"
    minutes: int        # "Estimated time:** N minutes"


def stated_minutes(markdown: str) -> int:
    """The lesson's estimated time in minutes, from its "**Estimated time:** N minutes" line."""
    m = TIME_PATTERN.search(markdown)
    if not m:
        raise ValueError("no '**Estimated time:** N minutes' line in the lesson")
    return int(m.group(1))


def _title(markdown: str) -> str:
    m = re.search(r"^# (.+)$", markdown, re.M)
    if not m:
        raise ValueError("no '# ' title heading")
    return m.group(1).strip()


def _question(markdown: str) -> str:
    m = re.search(r"\*\*The question\.\*\*\s*(.+?)(?:\n\s*\n|$)", markdown, re.S)
    if not m:
        raise ValueError("no '**The question.**' paragraph")
    return " ".join(m.group(1).split())


def _objectives(markdown: str) -> tuple[str, ...]:
    m = re.search(r"\*\*Learning objectives\.\*\*[^\n]*\n+((?:\s*\d+\.\s.*\n?)+)", markdown)
    if not m:
        raise ValueError("no numbered list after '**Learning objectives.**'")
    items = re.split(r"\n\s*\d+\.\s", "\n" + m.group(1).strip())
    return tuple(" ".join(item.split()) for item in items if item.strip())


def read_lesson(path: Path) -> LessonInfo:
    """The index's facts about the lesson at ``path``; a ``ValueError`` names the lesson and what is missing."""
    nb = nbformat.read(path, as_version=4)
    markdown = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    try:
        return LessonInfo(path=path, stem=path.stem, title=_title(markdown), question=_question(markdown),
                          objectives=_objectives(markdown), minutes=stated_minutes(markdown))
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from None


__all__ = ["TIME_PATTERN", "LessonInfo", "read_lesson", "stated_minutes"]
