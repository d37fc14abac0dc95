"""Database work per request, counted: a regression here costs every patient."""

import pytest

from tests import answers as people
from tests.journey import answer_all, post_answer, url
from triage.authoring.ruleset import active_ruleset

pytestmark = pytest.mark.usefixtures("loaded_rules")


def test_each_journey_request_makes_only_the_queries_it_needs(client, django_assert_num_queries):
    active_ruleset()  # warm, as it is on a running server
    with django_assert_num_queries(0):
        client.get("/")
    client.get(url("condition"))
    # The answers so far travel in a signed cookie: no session to read or write.
    with django_assert_num_queries(0):
        post_answer(client, "condition", "lupus")
    with django_assert_num_queries(0):
        client.get(url("activity"))
    answer_all(client, people.TYPE1_DIABETES)
    client.get(url("check"))
    with django_assert_num_queries(0):
        assert client.get(url("check")).status_code == 200


def test_saving_a_summary_uses_the_cached_ruleset(
    client, django_assert_max_num_queries, django_assert_num_queries
):
    answer_all(client, people.TYPE1_DIABETES)
    active_ruleset()
    with django_assert_max_num_queries(10):
        response = client.post(url("check"))
    with django_assert_num_queries(1):  # the submission; ownership is in a signed cookie
        assert client.get(response["Location"]).status_code == 200


def test_a_session_update_is_one_statement_and_a_deleted_session_is_not_revived(client):
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.models import Session

    from triage.platform.sessions import SessionStore

    store = SessionStore()
    store["answer"] = "lupus"
    store.save()
    store["answer"] = "crohns"
    store.save()
    assert SessionStore(session_key=store.session_key)["answer"] == "crohns"
    Session.objects.filter(session_key=store.session_key).delete()
    store["answer"] = "other"
    with pytest.raises(UpdateError):
        store.save()
