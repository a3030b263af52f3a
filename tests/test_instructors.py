"""The instructor guide (INSTRUCTORS.md) against the lessons it describes (issue 13, "Instructors").

The lessons in lessons/ are the reference: the guide must have a section for each, state the time the
lesson itself states, and list every auto-checked exercise of it with its tolerance. A lesson that is
planned but not yet in lessons/ (the capstone, 07, while it is written) may be described with exercise
ids that do not exist yet; once its notebook lands, the same tests hold it to the lesson.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from _screen import numbers, shown
from test_lessons import LESSONS, _stated_minutes
from widgets.exercises import EXERCISES

ROOT = Path(__file__).resolve().parents[1]
GUIDE_PATH = ROOT / "INSTRUCTORS.md"
EXERCISE_ID = re.compile(r"`(\d\d-[a-z0-9-]*[a-z][a-z0-9-]*)`")


def guide() -> str:
    return GUIDE_PATH.read_text(encoding="utf-8")


def sections(text: str, level: int) -> dict[str, str]:
    """Heading text -> body, for headings of exactly ``level`` #s; a body ends at the next heading of that
    level or above."""
    out: dict[str, str] = {}
    heading, body = None, []
    for line in text.splitlines():
        m = re.match(r"(#+) (.*)", line)
        if m and len(m.group(1)) <= level:
            if heading is not None:
                out[heading] = "\n".join(body)
            heading, body = (m.group(2).strip(), []) if len(m.group(1)) == level else (None, [])
        elif heading is not None:
            body.append(line)
    if heading is not None:
        out[heading] = "\n".join(body)
    return out


def lesson_section(text: str, number: int) -> str:
    found = [body for heading, body in sections(text, 3).items() if heading.startswith(f"Lesson {number} ·")]
    assert len(found) == 1, f"the guide needs one '### Lesson {number} · ...' section, has {len(found)}"
    return found[0]


def lesson_exercise_ids(path: Path) -> set[str]:
    """The exercises a lesson checks, and any registered under its number."""
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    used = set(re.findall(r"check\(\s*['\"]([\w-]+)['\"]", code))
    return used | {k for k in EXERCISES if k.startswith(path.name[:3])}


def exercise_rows(section: str) -> dict[str, str]:
    """Exercise id -> its table row, for the rows of a section's tables that start with an id."""
    rows = {}
    for line in section.splitlines():
        m = re.match(r"\|\s*`(\d\d-[a-z0-9-]*[a-z][a-z0-9-]*)`\s*\|", line)
        if m:
            rows[m.group(1)] = line
    return rows


def present_lesson_numbers() -> set[int]:
    return {int(p.name[:2]) for p in LESSONS}


def test_the_guide_exists_and_the_readme_points_to_it():
    assert GUIDE_PATH.is_file()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for_instructors = sections(readme, 2)["For instructors"]
    assert "](INSTRUCTORS.md)" in for_instructors
    # The JupyterHub set-up moved to the guide: one copy, not two that drift apart.
    for moved in ("hub/user-redirect/git-pull", "Sizing:", "The expected values and hints are in"):
        assert moved not in readme and moved in guide(), moved


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_the_guide_has_a_section_for_each_lesson_naming_its_notebook(path):
    section = lesson_section(guide(), int(path.name[:2]))
    assert f"`{path.stem}`" in section, f"the section for {path.stem} does not name its notebook"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_the_guide_states_the_time_the_lesson_states(path):
    md = " ".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    section = lesson_section(guide(), int(path.name[:2]))
    assert _stated_minutes(section) == _stated_minutes(md), f"{path.stem}: the guide's time differs from the lesson's"
    discussion = re.compile(r"Estimated time:\*\*[^\n]*?plus (\d+) minutes of discussion")
    lesson_discussion = discussion.search(md)
    assert lesson_discussion, f"{path.stem} states no discussion time"
    guide_discussion = discussion.search(section)
    assert guide_discussion and guide_discussion.group(1) == lesson_discussion.group(1), \
        f"{path.stem}: the guide's discussion time differs from the lesson's"
    if "two sittings" in md.split("Estimated time:**")[1][:120]:
        assert "two sittings" in section
    # The summary table of the suggested sequences says the same.
    row = f"| {int(path.name[:2])} | {_stated_minutes(md)} min | {lesson_discussion.group(1)} min |"
    assert row in sections(guide(), 2)["Suggested sequences"], f"no row '{row}' in the table of suggested sequences"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_exercise_of_a_lesson_is_in_its_section_with_its_tolerance(path):
    rows = exercise_rows(lesson_section(guide(), int(path.name[:2])))
    ids = lesson_exercise_ids(path)
    assert ids, f"{path.stem} checks no exercise"
    missing = ids - set(rows)
    assert not missing, f"{path.stem}: exercises not in the guide's table: {sorted(missing)}"
    for exercise_id in ids:
        if EXERCISES[exercise_id].choices:  # answered by naming an option: the row says so, and not which
            assert "exact option" in rows[exercise_id], f"{exercise_id}: its row should say it takes the exact option"
            assert EXERCISES[exercise_id].expected() not in rows[exercise_id], f"{exercise_id}: its row gives the answer"
            continue
        m = re.search(r"±\s*(\d+(?:\.\d+)?)\s*%", rows[exercise_id])
        assert m, f"{exercise_id}: no '±N %' tolerance in its row"
        assert float(m.group(1)) / 100 == pytest.approx(EXERCISES[exercise_id].rtol), \
            f"{exercise_id}: the guide says ±{m.group(1)} %, the check accepts ±{EXERCISES[exercise_id].rtol:.1%}"


def open_exercise_ids(text: str) -> list[str]:
    return [i for line in text.splitlines() if line.startswith("**Open exercises**")
            for i in EXERCISE_ID.findall(line)]


def test_every_exercise_id_in_the_guide_exists_unless_its_lesson_is_planned():
    """Ids of a lesson that is in lessons/ must be registered exercises (or open ones, with a rubric); ids of a
    lesson not yet in lessons/ are planned, and allowed."""
    text = guide()
    known = set(EXERCISES) | set(open_exercise_ids(text))
    present = present_lesson_numbers()
    unknown = {i for i in EXERCISE_ID.findall(text) if int(i[:2]) in present and i not in known}
    assert not unknown, f"the guide names exercises that do not exist: {sorted(unknown)}"


def test_each_open_exercise_has_a_rubric_whose_points_add_up():
    text = guide()
    open_ids = open_exercise_ids(text)
    assert open_ids, "the guide lists no open exercise"
    rubrics = sections(text, 3)
    for exercise_id in open_ids:
        assert exercise_id not in EXERCISES, f"{exercise_id} is auto-checked, not open"
        found = [body for heading, body in rubrics.items() if heading == f"Rubric for `{exercise_id}`"]
        assert len(found) == 1, f"no '### Rubric for `{exercise_id}`' section"
        rows = [line for line in found[0].splitlines()
                if line.startswith("|") and not re.match(r"\|\s*(criterion|-)", line)]
        points = [int(line.split("|")[2]) for line in rows]
        assert len(points) >= 5, f"{exercise_id}: a rubric of {len(points)} criteria"
        total = re.search(r"\*\*Total: (\d+) points\.\*\*", found[0])
        assert total and sum(points) == int(total.group(1)), \
            f"{exercise_id}: criteria add up to {sum(points)} points, the rubric says {total and total.group(1)}"


def test_the_guide_gives_no_exercise_answer():
    """The kit promises learners that no answer is printed, and the guide is in the same repository: no number in
    it is an exercise's expected value as a learner could copy it (tests/_screen.py, as for the lessons)."""
    in_guide = numbers(guide())
    found = {}
    for exercise_id, ex in EXERCISES.items():
        if ex.choices:  # a named option (a constraint, an input) is explained in the guide; its row is checked above
            continue
        hits = shown(ex.expected(), ex.rtol, in_guide)
        if hits:
            found[exercise_id] = hits[:3]
    assert not found, f"exercise answers in INSTRUCTORS.md: {found}"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {slug(m.group(1)) for m in re.finditer(r"^#+ (.*)$", path.read_text(encoding="utf-8"), re.M)}


def test_the_guides_links_into_the_repository_resolve():
    links = re.findall(r"\]\(([^)\s]+)\)", guide())
    local = [link for link in links if not re.match(r"[a-z]+:", link)]
    assert len(local) >= 10, "the guide should link the lessons and the README's sections"
    broken = []
    for link in local:
        target, _, anchor = link.partition("#")
        path = (ROOT / target) if target else GUIDE_PATH
        if not path.exists():
            broken.append(link)
        elif anchor and (path.suffix != ".md" or anchor not in anchors(path)):
            broken.append(link)
    assert not broken, f"links that lead nowhere: {broken}"


def test_the_slug_rule_matches_githubs():
    assert slug("Without make") == "without-make"
    assert slug("Rubric for `07-defend`") == "rubric-for-07-defend"
    assert slug("Lesson 0 · Compute is the new currency") == "lesson-0--compute-is-the-new-currency"
