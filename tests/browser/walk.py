"""Walking the questionnaire in the browser, with the mouse (keyboard walks are in their test)."""

from __future__ import annotations

from django.urls import reverse

from triage.engine import questions


def question_url(step: str) -> str:
    return reverse("triage:question", kwargs={"step": step})


def answer(page, question: questions.Question, value) -> None:
    for v in value if isinstance(value, list) else [value]:
        page.check(f"input[name='{question.key}-answer'][value='{v}']")


def submit(page, selector: str = "main button[type=submit]") -> None:
    with page.expect_navigation():
        page.click(selector)


def finish(page, answers: dict) -> str:
    """Answer every question from the first, confirm, and return the summary's id."""
    page.goto(question_url("condition"))
    for question in questions.applicable(answers):
        answer(page, question, answers[question.key])
        submit(page)
    submit(page)
    assert page.locator("h1").inner_text() == "Your information summary"
    return page.url.rstrip("/").rsplit("/", 1)[-1]
