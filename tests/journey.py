"""Walk the questionnaire with Django's test client, the way a browser would."""

from django.urls import reverse

from triage.engine import questions

PREFIX = "questionnaire_wizard"


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
