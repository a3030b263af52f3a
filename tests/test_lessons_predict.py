"""Predict first (issue 11): each of lessons 00-05 that exists asks the learner to commit a number before the kit
shows its own, and that number is computed by compute_econ when the learner commits, never written into the lesson.

Read from the notebooks' code (no kernel): a ``Predict(question, answer, ...)`` call whose ``answer`` is a lambda (or
a function defined in the lesson) that calls a compute_econ module the lesson imports, and is not a bare number.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("0[0-5]_*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment"}  # a Predict box opens its own slide, subslide or fragment


def _parse(source: str) -> ast.Module:
    # Notebook cells may hold IPython magics and shell escapes; they are not Python.
    return ast.parse("\n".join("" if re.match(r"\s*[%!]", line) else line for line in source.splitlines()))


def _compute_econ_names(tree: ast.Module) -> set[str]:
    """Names bound to compute_econ modules: ``from compute_econ import scaling``, ``from compute_econ.supply import
    pricing``, ``import compute_econ.hardware as hw``, ``import compute_econ``."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "compute_econ":
            names |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.asname or a.name.split(".")[0] for a in node.names if a.name.split(".")[0] == "compute_econ"}
    return names


def _calls_the_kit(node: ast.AST, kit: set[str]) -> bool:
    """Does ``node`` call something reached through a compute_econ module (``supply.deliveries(...)``)?"""
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            root = call.func
            while isinstance(root, (ast.Attribute, ast.Call, ast.Subscript)):
                root = root.func if isinstance(root, ast.Call) else root.value
            if isinstance(root, ast.Name) and root.id in kit and isinstance(call.func, ast.Attribute):
                return True
    return False


def answer_problem(source: str, kit: set[str], functions: dict[str, ast.FunctionDef] | None = None) -> str | None:
    """Why the first ``Predict(...)`` call in ``source`` does not compute its answer with the kit, or ``None`` if it
    does (``kit``: the names of compute_econ modules in scope; ``functions``: the lesson's own ``def``s)."""
    calls = [n for n in ast.walk(_parse(source)) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Name) and n.func.id == "Predict"]
    if not calls:
        return "no Predict(...) call"
    call = calls[0]
    answer = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "answer"), None)
    if answer is None:
        return "Predict(...) without an answer"
    if isinstance(answer, ast.Name) and functions and answer.id in functions:
        body: ast.AST = functions[answer.id]
    elif isinstance(answer, ast.Lambda):
        if answer.args.args or answer.args.vararg or answer.args.kwonlyargs:
            return "the answer lambda takes arguments; Predict calls it with none"
        body = answer.body
    else:
        return f"the answer is {ast.unparse(answer)!r}, not a function that computes it"
    if not _calls_the_kit(body, kit):
        return f"the answer {ast.unparse(body)!r} calls no compute_econ function"
    return None


def test_the_lessons_are_found():
    assert len(LESSONS) >= 5, [p.name for p in LESSONS]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_each_early_lesson_has_a_predict_first_moment_computed_by_the_kit(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    whole = _parse("\n".join(c.source for c in code))
    kit = _compute_econ_names(whole)
    functions = {f.name: f for f in ast.walk(whole) if isinstance(f, ast.FunctionDef)}
    setup = next(c for c in code if "setup_notebook()" in c.source)
    assert any(isinstance(n, ast.ImportFrom) and n.module == "widgets" and "Predict" in {a.name for a in n.names}
               for n in ast.walk(_parse(setup.source))), f"{path.name}: the set-up cell does not import Predict"
    cells = [c for c in code if re.search(r"\bPredict\(", c.source)]
    assert cells, f"{path.name} has no Predict(...) cell"
    for cell in cells:
        problem = answer_problem(cell.source, kit, functions)
        assert problem is None, f"{path.name}: {problem}"
        assert cell.metadata["slideshow"].get("slide_type") in SLIDE_TYPES, (
            f"{path.name}: a Predict cell should open its own slide, subslide or fragment")


@pytest.mark.parametrize("source, ok", [
    ('Predict("q", lambda: scaling.compute_optimal(1e25).n_params / 2, unit="x")', True),
    ('Predict("q", answer=lambda: (supply.deliveries(x, [0]).accelerators_per_quarter[0]))', True),
    ('Predict("q", answer_fn)', True),
    ('Predict("q", 3.26, unit="x")', False),
    ('Predict("q", lambda: 3.26)', False),
    ('Predict("q", lambda: float("3.26"))', False),
    ('Predict("q", lambda: numbers.compute(1))', False),   # a module that is not the kit's
    ('Predict("q", lambda x: scaling.compute_optimal(x).n_params)', False),
    ('Predict("q", answer)', False),                        # a name that is not a function of the lesson
    ('Predict("q")', False),
    ('print("Predict(1)")', False),
])
def test_the_check_tells_a_computed_answer_from_a_literal(source, ok):
    functions = {f.name: f for f in ast.walk(_parse("def answer_fn():\n    return scaling.compute_optimal(1e24).loss"))
                 if isinstance(f, ast.FunctionDef)}
    assert (answer_problem(source, {"scaling", "supply"}, functions) is None) is ok
