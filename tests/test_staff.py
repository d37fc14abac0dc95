"""Reference codes, the patient's own copy, clinic staff lookups, deletion and expiry."""

import io
import random
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import answers as people
from tests.factories import staff_client
from tests.journey import finish
from triage.engine import codes
from triage.models import Lookup, Submission
from triage.platform.throttle import LOOKUPS_PER_ADDRESS, LOOKUPS_PER_USER

pytestmark = pytest.mark.usefixtures("loaded_rules")


# --- codes -----------------------------------------------------------------------------------


def test_the_check_character_catches_every_single_typo_and_every_neighbour_swap():
    rng = random.Random(7)  # seeded, so a code that slips through can be found again
    for _ in range(300):
        code = codes.new_code(rng.choice)
        assert codes.is_valid(code)
        assert not set(code) & set("ILOU")
        for i in range(codes.LENGTH):
            for ch in codes.ALPHABET:
                if ch != code[i]:
                    assert not codes.is_valid(code[:i] + ch + code[i + 1 :]), (code, i, ch)
        for i in range(codes.LENGTH - 1):
            if code[i] != code[i + 1]:
                swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
                assert not codes.is_valid(swapped), (code, i)


@pytest.mark.parametrize(
    "typed",
    ["K7M2-9QHX", "k7m29qhx", " k7m2 9qhx ", "K7M2–9QHX", "k-7-m-2-9-q-h-x"],
)
def test_messy_typing_reads_as_the_same_code(typed):
    assert codes.normalise(typed) == "K7M29QHX"


def test_look_alike_letters_read_as_digits():
    assert codes.normalise("o1il") == "0111"


# --- patients ----------------------------------------------------------------------------------


def test_the_patient_sees_their_code_grouped_with_a_line_about_the_clinic(client):
    page = finish(client, people.TYPE1_DIABETES).content.decode()
    submission = Submission.objects.get()
    assert codes.is_valid(submission.reference)
    match = re.search(r'id="reference-code"[^>]*>([A-Z0-9-]+)<', page)
    assert match and match.group(1) == submission.display_reference
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", match.group(1))
    assert "Show this code at your clinic" in page


def test_deleting_answers_is_immediate_and_the_code_stops_working(client):
    finish(client, people.LUPUS_UNSURE)
    submission = Submission.objects.get()
    confirm = client.get(f"/summary/{submission.id}/delete/")
    assert "Are you sure you want to delete your answers?" in confirm.content.decode()
    response = client.post(f"/summary/{submission.id}/delete/")
    page = client.get(response["Location"])
    assert page.status_code == 410
    assert "This summary has been deleted" in page.content.decode()
    submission.refresh_from_db()
    assert submission.answers == {} and submission.result == []
    staff = staff_client()
    result = staff.post("/staff/", {"code": submission.reference})
    assert result.status_code == 410
    assert "The patient deleted the summary" in result.content.decode()


def test_a_stranger_cannot_delete_a_summary(client):
    finish(client, people.LUPUS_UNSURE)
    submission = Submission.objects.get()
    assert Client().post(f"/summary/{submission.id}/delete/").status_code == 404
    submission.refresh_from_db()
    assert not submission.is_deleted


# --- staff ------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")
    login = Client().get("/staff/login/")
    assert "Sign in to look up a summary" in login.content.decode()


def test_people_outside_the_clinic_staff_group_are_refused():
    outsider = User.objects.create_user("visitor", password="a long test password")
    browser = Client()
    browser.force_login(outsider)
    for response in (browser.get("/staff/"), browser.post("/staff/", {"code": "K7M29QHX"})):
        assert response.status_code == 403
        assert "This page is for clinic staff" in response.content.decode()
    assert Lookup.objects.count() == 0


def test_staff_find_the_summary_however_the_code_is_typed(client):
    finish(client, people.REFRACTORY_MS_HIGH_RISK)
    submission = Submission.objects.get()
    staff = staff_client()
    messy = " " + submission.display_reference.lower().replace("-", " - ") + " "
    response = staff.post("/staff/", {"code": messy})
    assert response.status_code == 302
    page = staff.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert submission.display_reference in text
    assert submission.ruleset_version in text
    assert 'id="hsct-risks"' in text
    assert "Delete my answers" not in text
    record = Lookup.objects.get()
    assert (record.username, record.code, record.outcome) == (
        "nurse",
        submission.reference,
        "found",
    )


def test_staff_cannot_open_a_summary_by_url_without_looking_it_up(client):
    finish(client, people.REFRACTORY_MS_HIGH_RISK)
    submission = Submission.objects.get()
    response = staff_client().get(f"/staff/summaries/{submission.reference}/")
    assert response.status_code == 404


def test_unknown_mistyped_and_expired_codes_get_distinct_messages(client):
    finish(client, people.TYPE1_DIABETES)
    submission = Submission.objects.get()
    staff = staff_client()
    ref = submission.reference
    typo = ref[:3] + ("2" if ref[3] != "2" else "3") + ref[4:]
    unknown = codes.new_code()
    while unknown == ref:
        unknown = codes.new_code()
    cases = {
        typo: (404, "is not a valid reference code"),
        unknown: (404, "There is no summary with the code"),
        "K7M": (400, "Enter the 8-character reference code"),
    }
    for typed, (status, message) in cases.items():
        response = staff.post("/staff/", {"code": typed})
        assert response.status_code == status, typed
        assert message in response.content.decode()
    Submission.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = staff.post("/staff/", {"code": ref})
    assert response.status_code == 410
    assert "has expired" in response.content.decode()
    assert list(Lookup.objects.order_by("created").values_list("outcome", flat=True)) == [
        "mistyped",
        "unknown",
        "expired",
    ]


def test_lookups_are_rate_limited_per_user(client):
    staff = staff_client()
    for _ in range(LOOKUPS_PER_USER):
        assert staff.post("/staff/", {"code": codes.new_code()}).status_code == 404
    response = staff.post("/staff/", {"code": codes.new_code()})
    assert response.status_code == 429
    assert "Too many lookups" in response.content.decode()
    other = staff_client("another-nurse")
    assert other.post("/staff/", {"code": codes.new_code()}).status_code == 404


def test_lookups_are_rate_limited_per_address():
    browsers = [staff_client(f"nurse{i}") for i in range(3)]
    for i in range(LOOKUPS_PER_ADDRESS):
        browsers[i % 2].post("/staff/", {"code": codes.new_code()})
    assert browsers[2].post("/staff/", {"code": codes.new_code()}).status_code == 429


# --- retention ------------------------------------------------------------------------------


def test_purge_removes_only_expired_summaries_and_is_safe_twice(client):
    finish(client, people.TYPE1_DIABETES)
    finish(client, people.LUPUS_UNSURE)
    old, fresh = Submission.objects.order_by("created")
    Submission.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=1))
    out = io.StringIO()
    call_command("purge_expired", stdout=out)
    assert out.getvalue().strip() == "Removed 1 expired summary."
    assert list(Submission.objects.values_list("pk", flat=True)) == [fresh.pk]
    out = io.StringIO()
    call_command("purge_expired", stdout=out)
    assert out.getvalue().strip() == "Removed 0 expired summaries."


def test_summaries_expire_after_the_retention_period(client, settings):
    settings.SUMMARY_RETENTION_DAYS = 30
    finish(client, people.TYPE1_DIABETES)
    submission = Submission.objects.get()
    assert (
        timedelta(days=29, hours=23)
        < submission.expires_at - submission.created
        <= timedelta(days=30)
    )


def test_admins_can_read_the_lookup_record_but_not_change_it(client, admin_client):
    finish(client, people.TYPE1_DIABETES)
    submission = Submission.objects.get()
    staff_client().post("/staff/", {"code": submission.reference})
    page = admin_client.get(reverse("admin:triage_lookup_changelist"))
    assert page.status_code == 200
    assert submission.reference in page.content.decode()
    lookup = Lookup.objects.get()
    delete = reverse("admin:triage_lookup_delete", args=[lookup.pk])
    assert admin_client.get(delete).status_code == 403
