"""Predict first: the learner commits a number, then sees the model's value and how far off it was.

Run in a notebook::

    from compute_econ import serving
    from widgets import Predict
    Predict("How many tokens per second does one user of Llama 3.1 70B get on 8 H100s at batch 32?",
            lambda: float(serving.serving_estimate(...).tokens_per_s_per_user), unit="tokens/s")

The answer is computed only when the learner commits (``answer_fn`` is called then, never
before), so it is in neither the widget's state nor the page until then. Nothing is stored or
sent anywhere: it works offline, and a re-run cell starts afresh.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable

import ipywidgets as ipw

from compute_econ._validate import scalar, text

from ._format import number

#: Feedback by how many times off the guess is (the larger of guess/answer and answer/guess): up to each bound,
#: the word. Within 1.5x is as close as an order-of-magnitude question asks; beyond 10x the intuition was off by
#: a decade or more.
FEEDBACK = ((1.5, "Spot on."), (3.0, "Close: the right order of magnitude."),
            (10.0, "Off by a few times: see what drives it below."),
            (math.inf, "Off by more than ten times: a common intuition, and worth seeing why."))


def times_off(guess: float, answer: float) -> float:
    """How many times off ``guess`` is from ``answer`` (>= 1; both positive): max(g/a, a/g)."""
    return max(guess / answer, answer / guess)


def feedback(ratio: float) -> str:
    """A word of feedback for a guess ``ratio`` times off (see :data:`FEEDBACK`)."""
    return next(word for bound, word in FEEDBACK if ratio <= bound)


class Predict:
    """Ask for a number, take the learner's guess, and only then show the model's value.

    Parameters
    ----------
    question : str
        The question, shown above the input.
    answer : callable or float
        A function of no arguments returning the model's value (called at commit, never before), or
        the value itself (kept in the kernel, never sent to the page before the commit).
    unit : str
        Unit of the answer, shown after the input and the value ("tokens/s").
    explanation : str
        Optional text shown with the answer (why it is what it is, where to look next).

    Attributes
    ----------
    guess : ipywidgets.FloatText
        Where the learner types a positive number.
    commit : ipywidgets.Button
        Commits the guess; disabled after.
    result : ipywidgets.HTML
        Empty until the commit; then the value, the ratio and the feedback (CSS class ``ce-readout``).
    widget : ipywidgets.VBox
        The whole widget (what is displayed).
    answer_value : float or None
        The model's value once committed; ``None`` before.
    """

    def __init__(self, question: str, answer: Callable[[], float] | float, unit: str = "",
                 explanation: str = "") -> None:
        self.question = text("question", question)
        if not callable(answer):
            value = scalar("answer", answer, 0.0, math.inf, low_open=True)
            answer = lambda: value  # noqa: E731 - kept in the kernel only
        self._answer_fn: Callable[[], float] = answer
        self.unit = text("unit", unit, allow_empty=True)
        self.explanation = text("explanation", explanation, allow_empty=True)
        self.answer_value: float | None = None
        self.guess = ipw.FloatText(value=0.0, description="your guess", style={"description_width": "initial"})
        self.commit = ipw.Button(description="Commit my guess", button_style="primary")
        self.result = ipw.HTML("")
        self.result.add_class("ce-readout")
        self.commit.on_click(lambda _button: self.submit())
        self.widget = ipw.VBox([ipw.HTML(f"<b>Predict first.</b> {html.escape(self.question)}"),
                                ipw.HBox([self.guess, ipw.Label(self.unit), self.commit]), self.result])

    def submit(self, guess: float | None = None) -> None:
        """Commit ``guess`` (default: the number typed), then show the answer, the ratio and the feedback.

        A guess that is not a positive number is not committed: the widget asks for one.
        """
        g = self.guess.value if guess is None else guess
        try:
            g = scalar("guess", g, 0.0, math.inf, low_open=True)
        except ValueError:
            self.result.value = "Type a positive number first, then commit."
            return
        value = scalar("answer", self._answer_fn(), 0.0, math.inf, low_open=True)  # the model's value: positive
        self.answer_value = value
        ratio = times_off(g, value)
        direction = "high" if g > value else "low"
        self.guess.disabled = self.commit.disabled = True
        unit = f" {html.escape(self.unit)}" if self.unit else ""
        off = "exactly right" if ratio == 1 else f"{number(ratio)} times too {direction}"
        extra = f"<br>{html.escape(self.explanation)}" if self.explanation else ""
        self.result.value = (f"Your guess: {number(g)}{unit}. The model: <b>{number(value)}{unit}</b>. "
                             f"You were {off}. {feedback(ratio)}{extra}")

    def _repr_mimebundle_(self, **kwargs: object) -> object:
        from . import book

        if book.in_book():  # no kernel: the question, and where to commit a guess; the answer is not computed
            unit = f" (in {html.escape(self.unit)})" if self.unit else ""
            return {"text/html": f'<div class="ce-static-predict"><b>Predict first.</b> {html.escape(self.question)}'
                                 f"{unit}<br>Write your guess down. {book.live_lesson_html('commit it and see the answer')}"
                                 "</div>",
                    "text/plain": f"Predict first. {self.question}"}
        return self.widget._repr_mimebundle_(**kwargs)


__all__ = ["Predict", "FEEDBACK", "feedback", "times_off"]
