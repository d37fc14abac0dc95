"""After the summary: Back never leads to a dead end, and "Start again" asks first."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import answers as people
from tests.journey import answer_all, answers_cookie, finish, post_answer, url
from triage.models import Submission

pytestmark = pytest.mark.usefixtures("loaded_rules")

START_AGAIN = reverse("triage:start_again")


def summary_path(submission):
    return f"/summary/{submission.id}/"


def assert_leads_to_summary(response, submission):
    page = response.content.decode()
    assert response.status_code == 200, page[:300]
    assert "You have finished the questionnaire" in page
    assert f'href="{summary_path(submission)}"' in page
    assert "no longer available" not in page


def test_back_from_the_summary_leads_to_it_again(client):
    finish(client, people.OFFERED_ABROAD)
    submission = Submission.objects.get()
    # Browser Back from the summary lands on check answers, then on the questions before it.
    for step in ("check", "region", "offer_features", "activity"):
        assert_leads_to_summary(client.get(url(step)), submission)
    # A page kept by the browser and sent again saves nothing and stores nothing.
    assert_leads_to_summary(client.post(url("check")), submission)
    assert_leads_to_summary(post_answer(client, "region", "uk"), submission)
    assert Submission.objects.count() == 1
    assert answers_cookie(client) is None  # the answers went with the summary
    # The first question still begins a new journey.
    assert client.get(url("condition")).status_code == 200


def test_back_leads_to_the_newest_summary_this_browser_made(client):
    finish(client, people.TYPE1_DIABETES)
    finish(client, people.LUPUS_UNSURE)
    newest = Submission.objects.order_by("-created").first()
    assert_leads_to_summary(client.get(url("check")), newest)


def test_without_a_summary_to_go_back_to_the_session_ended_page_stays(client):
    finish(client, people.TYPE1_DIABETES)
    submission = Submission.objects.get()
    submission.erase()
    response = client.get(url("check"))
    assert response.status_code == 400
    assert "Your answers are no longer available" in response.content.decode()
    finish(client, people.TYPE1_DIABETES)
    Submission.objects.update(expires_at=timezone.now())
    assert client.get(url("activity")).status_code == 400


def test_start_again_from_the_summary_asks_first(client):
    page = finish(client, people.TYPE1_DIABETES).content.decode()
    submission = Submission.objects.get()
    link = f"{START_AGAIN}?summary={submission.id}"
    assert f'href="{link}"' in page
    question = client.get(link).content.decode()
    assert "Start again with different answers?" in question
    assert f'href="{summary_path(submission)}">No, go back to my summary' in question
    assert 'method="post"' in question
    response = client.post(START_AGAIN)
    assert response["Location"] == url("condition")
    assert client.get(summary_path(submission)).status_code == 200  # the summary stays


def test_start_again_clears_answers_only_when_confirmed(client):
    answer_all(client, people.TYPE1_DIABETES)
    client.get(START_AGAIN)
    client.get(reverse("triage:resume") + "?reset=1")  # the old link no longer resets
    assert client.get(url("check")).status_code == 200
    page = client.get(START_AGAIN).content.decode()
    assert 'href="/questions/">No, carry on with my answers' in page
    assert client.get(reverse("triage:resume") + "?reset=1")["Location"] == START_AGAIN
    client.post(START_AGAIN)
    assert client.get(url("check")).status_code == 400
    assert 'value="type1_diabetes" checked' not in client.get(url("condition")).content.decode()


def test_cancel_goes_back_to_the_summary_the_person_came_from(client):
    finish(client, people.TYPE1_DIABETES)
    finish(client, people.LUPUS_UNSURE)
    older, newer = Submission.objects.order_by("created")
    page = client.get(f"{START_AGAIN}?summary={older.id}").content.decode()
    assert f'href="{summary_path(older)}">No, go back' in page
    page = client.get(f"{START_AGAIN}?summary=not-mine").content.decode()
    assert f'href="{summary_path(newer)}">No, go back' in page
