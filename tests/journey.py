"""Walk the questionnaire with Django's test client, the way a browser would."""

from django.core import signing
from django.urls import reverse

from triage.engine import questions
from triage.journey import storage

PREFIX = "questionnaire_wizard"
ANSWERS_COOKIE = f"wizard_{PREFIX}"


def answers_cookie(client) -> dict | None:
    """What the browser holds of the answers in progress (the signed cookie), or None."""
    morsel = client.cookies.get(ANSWERS_COOKIE)
    if morsel is None or not morsel.value:
        return None
    return signing.loads(morsel.value, salt=storage.SALT)


def url(step):
    return reverse("triage:question", kwargs={"step": step})


def post_answer(client, step, value, **extra):
    data = {f"{PREFIX}-current_step": step, **extra}
    if value is not None:
        data[f"{step}-answer"] = value
    return client.post(url(step), data)


def answer_all(client, answers):
    """Answer every question that applies, in order; return the last response."""
    response = client.get(url("condition"))
    assert response.status_code == 200
    for question in questions.applicable(answers):
        response = post_answer(client, question.key, answers[question.key])
        assert response.status_code == 302, (question.key, response.content[:500])
    assert response["Location"] == url("check")
    return response


def finish(client, answers):
    """Answer everything, confirm on check answers, and return the summary page."""
    answer_all(client, answers)
    confirmed = client.post(url("check"))
    assert confirmed.status_code == 302
    return client.get(confirmed["Location"])
