"""Random and tampered sequences of requests against the questionnaire.

Whatever arrives (wrong or replayed step names, values outside the choices, missing and
duplicated fields, huge bodies, wrong content types, missing CSRF tokens, requests out of
order, expired or forged answer, ownership and session cookies), the app never answers 5xx, never stores a summary
that differs from evaluate() of its stored answers, and never stores one from an incomplete
journey.
"""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.journey import ANSWERS_COOKIE, PREFIX, url
from triage.authoring.ruleset import load_ruleset
from triage.engine import principles, questions
from triage.models import Submission
from triage.summary import ownership
from triage.summary.cards import build_cards

pytestmark = pytest.mark.usefixtures("loaded_rules")

from tests.stats import STATS  # noqa: E402

STEP_NAMES = [*questions.KEYS, "check", "done", "..", "CONDITION", "0", "a" * 300]
ALL_VALUES = sorted({v for q in questions.QUESTIONS for v in q.values})

values = st.one_of(
    st.sampled_from(ALL_VALUES),
    st.lists(st.sampled_from(ALL_VALUES), max_size=8),
    st.text(max_size=40),
    st.just("x" * 200_000),  # a huge body
    st.none(),
)

answer_post = st.fixed_dictionaries(
    {
        "kind": st.just("post"),
        "step": st.sampled_from(STEP_NAMES),
        "field_step": st.sampled_from(STEP_NAMES),  # the step named in the field's prefix
        "management": st.sampled_from(["same", "missing", "other", "garbage"]),
        "value": values,
        "duplicate": st.booleans(),
        "goto": st.one_of(st.none(), st.sampled_from(STEP_NAMES)),
    }
)
# Honest steps, and whole honest walks, keep sequences long enough to reach confirm.
honest_post = st.sampled_from(questions.QUESTIONS).flatmap(
    lambda q: st.sampled_from(q.values).map(
        lambda v: {
            "kind": "post",
            "step": q.key,
            "field_step": q.key,
            "management": "same",
            "value": [v] if q.multiple else v,
            "duplicate": False,
            "goto": None,
        }
    )
)


def complete_answers():
    """Complete answer sets from the one generator the principles sample with, driven by a
    Random that hypothesis seeds (and shrinks)."""
    return st.randoms(use_true_random=False).map(principles.random_answers)


walk = st.builds(
    lambda a, confirm: {"kind": "walk", "answers": a, "confirm": confirm},
    complete_answers(),
    st.booleans(),
)
other = st.one_of(
    st.fixed_dictionaries({"kind": st.just("get"), "step": st.sampled_from(STEP_NAMES)}),
    st.just({"kind": "confirm"}),
    st.just({"kind": "json_body"}),
    st.just({"kind": "no_csrf"}),
    st.just({"kind": "expire_session"}),
    st.just({"kind": "forge_session"}),
    st.just({"kind": "random_summary"}),
    st.just({"kind": "reset"}),
    st.just({"kind": "start_again"}),
)
actions = st.lists(st.one_of(walk, honest_post, answer_post, answer_post, other), max_size=20)


def send(client: Client, action: dict):
    kind = action["kind"]
    if kind == "get":
        return client.get(f"/questions/{action['step']}/")
    if kind == "confirm":
        return client.post(url("check"))
    if kind == "json_body":
        return client.post(
            url("condition"), data='{"condition": "lupus"}', content_type="application/json"
        )
    if kind == "no_csrf":
        strict = Client(enforce_csrf_checks=True)
        strict.cookies = client.cookies
        return strict.post(url("condition"), {f"{PREFIX}-current_step": "condition"})
    if kind == "expire_session":  # the answers cookie gone, as after 24 hours
        client.cookies.pop(ANSWERS_COOKIE, None)
        return client.get(url("activity"))
    if kind == "forge_session":  # answers and ownership the server never signed
        client.cookies[ANSWERS_COOKIE] = "forged" + uuid.uuid4().hex
        client.cookies[ownership.COOKIE] = f'["{uuid.uuid4()}"]'
        client.cookies[settings.SESSION_COOKIE_NAME] = "forged" + uuid.uuid4().hex
        return client.get(url("region"))
    if kind == "random_summary":
        return client.get(f"/summary/{uuid.uuid4()}/")
    if kind == "reset":
        return client.get("/questions/?reset=1")
    if kind == "start_again":
        return client.post("/questions/start-again/")
    if kind == "walk":
        response = client.get(url("condition"))
        for q in questions.applicable(action["answers"]):
            data = {f"{PREFIX}-current_step": q.key, f"{q.key}-answer": action["answers"][q.key]}
            response = client.post(url(q.key), data)
            assert response.status_code < 500, (action, q.key, response.status_code)
        return client.post(url("check")) if action["confirm"] else response
    data: dict[str, object] = {}
    management = action["management"]
    if management == "same":
        data[f"{PREFIX}-current_step"] = action["step"]
    elif management == "other":
        data[f"{PREFIX}-current_step"] = "region"
    elif management == "garbage":
        data[f"{PREFIX}-current_step"] = "\x00<script>"
    value = action["value"]
    if value is not None:
        field = f"{action['field_step']}-answer"
        data[field] = (
            [value, value] if action["duplicate"] and not isinstance(value, list) else value
        )
    if action["goto"]:
        data["wizard_goto_step"] = action["goto"]
    return client.post(f"/questions/{action['step']}/", data)


@hsettings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=actions)
def test_no_request_sequence_causes_a_5xx_or_a_wrong_summary(sequence):
    client = Client(raise_request_exception=False)
    for action in sequence:
        response = send(client, action)
        assert response.status_code < 500, (action, response.status_code)
    ruleset = load_ruleset()
    for submission in Submission.objects.all():
        answers = questions.validate_answers(submission.answers)  # complete and valid
        assert submission.result == build_cards(answers, ruleset)
        assert submission.ruleset_version == ruleset.version
    RUNS["examples"] += 1
    RUNS["requests"] += len(sequence)
    RUNS["stored"] = Submission.objects.count()
    STATS["hostile"] = (
        f"{RUNS['examples']} random request sequences, {RUNS['requests']} requests, "
        f"no 5xx; {RUNS['stored']} summaries stored, each equal to evaluate() of its answers"
    )


RUNS = {"examples": 0, "requests": 0, "stored": 0}
