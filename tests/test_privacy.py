"""Issue 18, privacy and abuse: each finding reproduced as an attacker would, and what holds now.

1 separate buckets, 2 combined sign-in lockout, 3 no private link on staff pages, 4 and 9 no
caching and no indexing, 5 the admin's summary permission, 6 odd bytes in addresses, 7 client
addresses parsed, 8 atomic counting, 10 nothing kept that is not needed, 11 sanitised cards and
CORS, 12 gunicorn and forwarded headers, 13 editors who could slow every patient (the proof
never on a GET, kept by fingerprint, a confirmed save that proves nothing again).
"""

from __future__ import annotations

import io
import json
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from tests import answers as people
from tests import factories
from tests.journey import answer_all, finish, post_answer, url
from triage.engine import codes
from triage.models import Lookup, RateCount, Submission
from triage.platform import throttle
from triage.summary.services import submission_create

pytestmark = pytest.mark.usefixtures("loaded_rules")

GUESS = "/s/" + "x" * 32 + "/"  # the right shape, but no MAC: a made-up private link


def link_of(submission: Submission) -> str:
    return f"/s/{submission.private_token}/"


def staff_client(**defaults) -> Client:
    browser = Client(**defaults)
    browser.force_login(factories.clinic_staff())
    return browser


# --- 1. Anyone can block a clinic: separate buckets -------------------------------------------


def test_guessed_links_never_block_a_real_link_or_a_staff_lookup_from_the_same_address():
    submission = submission_create(answers=people.TYPE1_DIABETES)
    attacker = Client(REMOTE_ADDR="198.51.100.20")  # the clinic's NAT, say
    for _ in range(throttle.LINK_GUESSES_PER_ADDRESS.most):
        assert attacker.get(GUESS).status_code == 404
    assert attacker.get(GUESS).status_code == 429  # the guesses are limited...
    patient = Client(REMOTE_ADDR="198.51.100.20")
    assert patient.get(link_of(submission)).status_code == 200  # ...the patient's link is not
    nurse = staff_client(REMOTE_ADDR="198.51.100.20")
    response = nurse.post("/staff/", {"code": submission.reference})
    assert response.status_code == 302  # nor is the nurse's lookup
    assert nurse.get(response["Location"]).status_code == 200


def test_a_valid_token_is_never_counted_or_limited():
    submission = submission_create(answers=people.LUPUS_UNSURE)
    browser = Client()
    for _ in range(throttle.LINK_GUESSES_PER_ADDRESS.most + 5):
        assert browser.get(link_of(submission)).status_code == 200
    submission.erase()
    assert browser.get(link_of(submission)).status_code == 410  # issued, and gone: not a guess
    assert not RateCount.objects.exists()
    assert not Lookup.objects.exists()


def test_staff_lookups_and_link_guesses_never_share_an_allowance():
    nurses = [staff_client(), staff_client()]
    for i in range(throttle.LOOKUPS_PER_ADDRESS):  # the whole clinic's lookups this window
        nurses[i % 2].post("/staff/", {"code": codes.new_code()})
    assert nurses[0].post("/staff/", {"code": codes.new_code()}).status_code == 429
    assert Client().get(GUESS).status_code == 404  # judged on its own count, not refused


# --- 2. Anyone can keep a named colleague locked out: lockout by username and address ---------


@pytest.fixture
def ward(db):
    return User.objects.create_user("ward", password="correct horse battery", is_staff=True)


def sign_in(password: str, address: str, username: str = "ward", url: str = "/staff/login/"):
    return Client(REMOTE_ADDR=address).post(url, {"username": username, "password": password})


@pytest.mark.parametrize("login_url", ["/admin/login/", "/staff/login/"])
def test_a_user_locked_out_at_one_address_signs_in_from_another(ward, settings, login_url):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(f"guess {attempt}", "203.0.113.66", url=login_url)
    assert sign_in("correct horse battery", "203.0.113.66", url=login_url).status_code == 429
    # The stranger's address is locked for that username; ward's desk is not.
    assert sign_in("correct horse battery", "192.0.2.10", url=login_url).status_code == 302


def test_one_address_failing_for_many_usernames_is_locked_for_all():
    limit = throttle.SIGN_IN_FAILURES_PER_ADDRESS.most
    for attempt in range(limit):
        response = sign_in("wrong", "203.0.113.77", username=f"someone{attempt}")
    assert response.status_code == 429  # the failure that reached the limit
    User.objects.create_user("fresh", password="correct horse battery")
    assert sign_in("correct horse battery", "203.0.113.77", "fresh").status_code == 429
    assert sign_in("correct horse battery", "192.0.2.11", "fresh").status_code == 302


def test_failures_per_username_are_still_listed_for_admins(ward, admin_client):
    for index, address in enumerate(["203.0.113.1", "203.0.113.2", "203.0.113.3"]):
        sign_in(f"guess {index}", address)
    failures = AccessFailureLog.objects.filter(username="ward")
    assert failures.count() == 3
    assert sorted(failures.values_list("ip_address", flat=True)) == [
        "203.0.113.1",
        "203.0.113.2",
        "203.0.113.3",
    ]
    page = admin_client.get("/admin/axes/accessfailurelog/")
    assert page.status_code == 200 and "ward" in page.content.decode()


# --- 6. A NUL byte in a token or code: 404, never 500 ------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/s/%00" + "x" * 31 + "/",
        "/s/" + "x" * 31 + "%00/",
        "/s/" + "x" * 31 + "%00/sheet/",
        "/s/" + "x" * 31 + "%00/delete/",
        "/s/" + "x" * 31 + "%00/questionnaire-response.json",
        "/s/" + "x" * 31 + "%C3%A9/",
        "/s/" + "x" * 33 + "/",
        "/summary/%00/",
        "/staff/summaries/K7M29QH%00/",
        "/staff/summaries/k7m29qhx/",
        "/staff/summaries/K7M2-9QHX/",
        "/staff/summaries/K7M29QH%00/sheet/",
        "/staff/summaries/K7M29QH%00/questionnaire-response.json",
    ],
)
def test_odd_bytes_in_a_token_or_code_are_a_404_before_anything_is_counted(path):
    nurse = staff_client(raise_request_exception=False)
    response = nurse.get(path)
    assert response.status_code == 404
    assert not Lookup.objects.exists()
    assert not RateCount.objects.exists()


def test_a_nul_byte_typed_into_the_lookup_form_is_a_400():
    nurse = staff_client(raise_request_exception=False)
    response = nurse.post("/staff/", {"code": "K7M2\x009QHX"})
    assert response.status_code == 400


# --- 7. Client addresses parsed -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "address"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("203.0.113.7:4444", "203.0.113.7"),
        (" 203.0.113.7:1 ", "203.0.113.7"),
        ("[2001:db8::1]:4444", "2001:db8::"),
        ("[2001:db8::1]", "2001:db8::"),
        ("2001:db8::ffff:1", "2001:db8::"),
        ("2001:db8:0:1::1", "2001:db8:0:1::"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ('"[2001:db8::5]:80"', "2001:db8::"),
        ("203.0.113.7:65535", "203.0.113.7"),
    ],
)
def test_addresses_are_read_without_ports_and_ipv6_by_its_64(written, address):
    assert throttle.grouped(throttle.parse_address(written)) == address


@pytest.mark.parametrize(
    "written",
    [
        "",
        "unknown",
        "203.0.113.7:",
        "203.0.113.7:99999",
        "203.0.113.7:65536",
        "203.0.113.7:port",
        "203.0.113",
        "[2001:db8::1",
        "[2001:db8::1]x",
        "[2001:db8::1]:",
        "fe80::1%eth0",
        "2001:db8::1:4444:1:1:1:1:1",
        "203.0.113.7\x00",
        "1" * 100,
    ],
)
def test_anything_else_is_not_an_address(written):
    with pytest.raises(ValueError):
        throttle.parse_address(written)


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_TLS_PROXY = True


def cards(forwarded: str, body: bytes = b"{}"):
    client = Client(raise_request_exception=False)
    return client.post(
        "/api/cards", body, content_type="application/json", HTTP_X_FORWARDED_FOR=forwarded
    )


@pytest.mark.usefixtures("behind_proxy")
def test_every_source_port_of_one_address_counts_against_one_limit():
    statuses = [cards(f"10.9.9.9, 203.0.113.7:{4000 + i}").status_code for i in range(90)]
    assert statuses.count(400) == throttle.API_CALLS_PER_WINDOW  # "{}" is not a document
    assert statuses.count(429) == 90 - throttle.API_CALLS_PER_WINDOW


@pytest.mark.usefixtures("behind_proxy")
def test_an_ipv6_client_is_counted_by_its_64_whatever_address_it_picks():
    statuses = [cards(f"[2001:db8:7::{i:x}]:{i + 1}").status_code for i in range(61)]
    assert statuses[-1] == 429
    assert cards("2001:db8:8::1").status_code == 400  # another /64: its own count


@pytest.mark.usefixtures("behind_proxy")
@pytest.mark.parametrize("forwarded", ["unknown", "10.0.0.1, ", "203.0.113.7:x", "::1%lo"])
def test_an_unreadable_forwarded_address_is_a_400_never_a_500(forwarded, ward):
    assert cards(forwarded).status_code == 400
    client = Client(raise_request_exception=False, HTTP_X_FORWARDED_FOR=forwarded)
    assert client.get(GUESS).status_code == 400
    for login in ("/staff/login/", "/admin/login/"):
        response = client.post(login, {"username": "ward", "password": "wrong"})
        assert response.status_code == 400
        assert "Sorry, we could not understand that request" in response.content.decode()
    assert not AccessAttempt.objects.exists()


@pytest.mark.usefixtures("behind_proxy")
def test_sign_in_behind_a_proxy_that_sends_ports_stores_the_address(ward):
    """On PostgreSQL axes' address column is `inet`: `ip:port` used to fail every sign-in."""
    client = Client(raise_request_exception=False, HTTP_X_FORWARDED_FOR="203.0.113.9:5555")
    response = client.post("/staff/login/", {"username": "ward", "password": "wrong"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    client = Client(raise_request_exception=False, HTTP_X_FORWARDED_FOR="[2001:db8::9]:5555")
    response = client.post(
        "/staff/login/", {"username": "ward", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert AccessLog.objects.get().ip_address == "2001:db8::"


# --- 8. No overshoot under parallel requests ------------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="parallel requests need PostgreSQL (SQLite serialises writers; tested there in series)",
)
PARALLEL = 100


def in_parallel(call, count: int = PARALLEL) -> list:
    """`count` threads, each with its own database connection, released together."""
    start = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = call(index)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def committed_counts(db):
    """The threads' connections commit what they count, outside the test's transaction: clear
    it afterwards from a connection of their own."""
    yield
    in_parallel(lambda _: (RateCount.objects.all().delete(), Lookup.objects.all().delete()), 1)


@postgres_only
@pytest.mark.usefixtures("committed_counts")
def test_a_hundred_parallel_calls_to_the_cards_api_let_exactly_the_limit_through():
    statuses = in_parallel(
        lambda _: Client().post("/api/cards", b"{}", content_type="application/json").status_code
    )
    assert statuses.count(400) == throttle.API_CALLS_PER_WINDOW  # through, and refused as {}
    assert statuses.count(429) == PARALLEL - throttle.API_CALLS_PER_WINDOW


@postgres_only
@pytest.mark.usefixtures("committed_counts")
def test_a_hundred_parallel_link_guesses_let_exactly_the_limit_through():
    statuses = in_parallel(lambda _: Client().get(GUESS).status_code)
    assert statuses.count(404) == throttle.LINK_GUESSES_PER_ADDRESS.most
    assert statuses.count(429) == PARALLEL - throttle.LINK_GUESSES_PER_ADDRESS.most


@postgres_only
@pytest.mark.usefixtures("committed_counts")
def test_a_hundred_parallel_staff_lookups_let_exactly_the_limit_through():
    request = SimpleNamespace(user=SimpleNamespace(pk=424242))
    waits = in_parallel(lambda _: throttle.staff_lookup_wait(request, "address-hash"))
    assert waits.count(None) == throttle.LOOKUPS_PER_USER


def test_the_limit_itself_holds_on_any_database():
    limit = throttle.CARDS_API_PER_ADDRESS
    results = [throttle.take(limit, "someone") for _ in range(limit.most + 3)]
    assert results[: limit.most] == [None] * limit.most
    assert all(wait == limit.seconds for wait in results[limit.most :])
    assert RateCount.objects.get().hits == limit.most + 3  # one row, counted in place


# --- 10. Nothing kept that is not needed ----------------------------------------------------------


def test_an_anonymous_journey_leaves_no_session_row(client):
    client.get("/")
    answer_all(client, people.REFRACTORY_MS_HIGH_RISK)
    client.get(url("check"))
    post_answer(client, "region", "eu")  # changing an answer
    summary = finish(client, people.LUPUS_UNSURE)
    assert summary.status_code == 200
    submission = Submission.objects.get()
    for path in (f"/summary/{submission.pk}/sheet/", link_of(submission)):
        assert client.get(path).status_code == 200
    client.post(f"/summary/{submission.pk}/delete/")
    client.post("/questions/start-again/")
    assert not Session.objects.exists()
    assert "sessionid" not in client.cookies


def test_signed_in_staff_still_get_a_session(ward):
    client = Client()
    client.post("/staff/login/", {"username": "ward", "password": "correct horse battery"})
    assert Session.objects.count() == 1


def test_forms_still_refuse_a_post_without_the_csrf_cookie(settings):
    assert not settings.CSRF_USE_SESSIONS  # the CSRF secret is a cookie, not a session row
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(url("condition")).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = post_answer(browser, "condition", "lupus", csrfmiddlewaretoken=token)
    assert response.status_code == 302
    browser.cookies.pop(settings.CSRF_COOKIE_NAME)
    response = post_answer(browser, "activity", "active", csrfmiddlewaretoken=token)
    assert response.status_code == 403


def test_tampered_answers_are_ignored_not_trusted(client):
    from tests.journey import ANSWERS_COOKIE

    answer_all(client, people.TYPE1_DIABETES)
    value = client.cookies[ANSWERS_COOKIE].value
    client.cookies[ANSWERS_COOKIE] = value[:-3] + ("AAA" if value[-3:] != "AAA" else "BBB")
    response = client.get(url("check"))
    assert response.status_code == 400
    assert "Your answers are no longer available" in response.content.decode()


def test_answers_in_progress_expire_with_the_cookie(client, settings, monkeypatch):
    answer_all(client, people.TYPE1_DIABETES)
    assert client.get(url("check")).status_code == 200
    later = timezone.now().timestamp() + settings.SESSION_COOKIE_AGE + 1
    monkeypatch.setattr("time.time", lambda: later)
    assert client.get(url("check")).status_code == 400


def old(model, field: str, age: timedelta, **values):
    row = model.objects.create(**values)
    model.objects.filter(pk=row.pk).update(**{field: timezone.now() - age})
    return row


def test_purge_expired_clears_what_the_readme_says(ward):
    # Sessions: an expired one (still holding what it held) goes; a live one stays.
    Session.objects.create(
        session_key="e" * 32, session_data="x", expire_date=timezone.now() - timedelta(minutes=1)
    )
    Session.objects.create(
        session_key="l" * 32, session_data="x", expire_date=timezone.now() + timedelta(hours=1)
    )
    # Guessed private links: a week; staff lookups stay for audit.
    guess = {
        "username": "",
        "code": throttle.PRIVATE_LINK,
        "outcome": "bad_link",
        "address_hash": "a",
    }
    old(Lookup, "created", throttle.GUESS_RETENTION + timedelta(hours=1), **guess)
    recent_guess = old(Lookup, "created", throttle.GUESS_RETENTION - timedelta(hours=1), **guess)
    staff = old(
        Lookup,
        "created",
        timedelta(days=400),
        user=ward,
        username="ward",
        code="K7M29QHX",
        outcome="unknown",
        address_hash="b",
    )
    # Axes' records: 30 days.
    axes = {"username": "ward", "ip_address": "203.0.113.5", "user_agent": "x", "path_info": "/"}
    stale = throttle.SIGN_IN_RECORD_RETENTION + timedelta(hours=1)
    fresh = throttle.SIGN_IN_RECORD_RETENTION - timedelta(hours=1)
    for model, extra in (
        (AccessAttempt, {"failures_since_start": 1, "get_data": "", "post_data": ""}),
        (AccessFailureLog, {}),
        (AccessLog, {}),
    ):
        old(model, "attempt_time", stale, **axes, **extra)
        old(model, "attempt_time", fresh, **{**axes, "user_agent": "y"}, **extra)
    # Rate counts: once their window has ended.
    RateCount.objects.create(
        bucket="cards-api", subject="s", slot=1, hits=3, ends=timezone.now() - timedelta(seconds=1)
    )
    out = io.StringIO()
    call_command("purge_expired", verbosity=2, stdout=out)
    assert list(Session.objects.values_list("session_key", flat=True)) == ["l" * 32]
    assert set(Lookup.objects.all()) == {recent_guess, staff}
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert list(model.objects.values_list("user_agent", flat=True)) == ["y"], model
    assert not RateCount.objects.exists()
    assert "Removed 1 expired sessions." in out.getvalue()


# --- 3. The staff sheet printed the patient's private link ---------------------------------------


def looked_up_by_staff(submission: Submission) -> Client:
    nurse = staff_client()
    assert nurse.post("/staff/", {"code": submission.reference}).status_code == 302
    return nurse


def test_no_staff_page_carries_the_private_link_or_a_way_to_delete():
    submission = submission_create(answers=people.OFFERED_ABROAD)
    nurse = looked_up_by_staff(submission)
    base = f"/staff/summaries/{submission.reference}/"
    pages = {
        path: nurse.get(path)
        for path in (
            base,
            base + "sheet/",
            base + "compare/",
            base + "questionnaire-response.json",
            "/staff/",
        )
    }
    for path, response in pages.items():
        body = response.content.decode()
        assert response.status_code == 200, path
        assert submission.private_token not in body, path
        assert "/s/" not in body and "Private link" not in body, path
        assert "/delete/" not in body and "Delete my answers" not in body, path
    # The patient's own sheet still has it: it is theirs.
    patient_sheet = Client().get(link_of(submission) + "sheet/").content.decode()
    assert submission.private_token in patient_sheet


# --- 4 and 9. Pages with answers are never cached and never indexed ------------------------------


def every_page_kind() -> dict[str, object]:
    """One response of every kind of page that shows answers, a summary or staff data."""
    browser = Client()
    pages = {"question": browser.get(url("condition"))}
    answer_all(browser, people.OFFERED_ABROAD)
    pages["check answers"] = browser.get(url("check"))
    pages["start again"] = browser.get("/questions/start-again/")
    summary = browser.get(browser.post(url("check"))["Location"])
    submission = Submission.objects.get()
    pages["summary"] = summary
    pages["sheet"] = browser.get(f"/summary/{submission.pk}/sheet/")
    pages["delete"] = browser.get(f"/summary/{submission.pk}/delete/")
    pages["answers file"] = browser.get(f"/summary/{submission.pk}/questionnaire-response.json")
    pages["comparison"] = browser.get(f"/summary/{submission.pk}/compare/")
    pages["private link"] = Client().get(link_of(submission))
    pages["private link comparison"] = Client().get(link_of(submission) + "compare/")
    pages["private link sheet"] = Client().get(link_of(submission) + "sheet/")
    pages["private link delete"] = Client().get(link_of(submission) + "delete/")
    pages["finished (Back)"] = browser.get(url("region"))
    nurse = looked_up_by_staff(submission)
    base = f"/staff/summaries/{submission.reference}/"
    pages["staff lookup"] = nurse.get("/staff/")
    pages["staff summary"] = nurse.get(base)
    pages["staff sheet"] = nurse.get(base + "sheet/")
    pages["staff comparison"] = nurse.get(base + "compare/")
    pages["staff answers file"] = nurse.get(base + "questionnaire-response.json")
    pages["staff sign-in"] = Client().get("/staff/login/")
    pages["not yours"] = Client().get(f"/summary/{submission.pk}/")
    pages["guessed link"] = Client().get(GUESS)
    submission.erase()
    pages["deleted"] = Client().get(link_of(submission))
    pages["cards API"] = Client().post("/api/cards", b"{}", content_type="application/json")
    return pages


def test_every_page_with_answers_is_no_store_private_and_noindex():
    for kind, response in every_page_kind().items():
        assert response.status_code < 500, kind
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives, kind
        assert response["X-Robots-Tag"] == "noindex, nofollow", kind


def test_only_the_public_pages_may_be_cached_or_indexed(client):
    start = client.get("/")
    assert "no-store" not in start["Cache-Control"] and "X-Robots-Tag" not in start
    questionnaire = client.get("/fhir/Questionnaire/stem-cell-triage")
    assert questionnaire["Cache-Control"] == "public, max-age=3600"
    again = client.get(
        "/fhir/Questionnaire/stem-cell-triage", HTTP_IF_NONE_MATCH=questionnaire["ETag"]
    )
    assert again.status_code == 304 and again["Cache-Control"] == "public, max-age=3600"


def test_robots_txt_disallows_every_private_page(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/questions/", "/summary/", "/s/", "/staff/", "/api/cards"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /admin/" not in lines  # the admin's address is not advertised
    assert "Disallow: /\n" not in response.content.decode()  # the start page may be found


# --- 5. Clinic staff with staff status read every summary in the admin ----------------------------


def test_the_clinic_staff_group_no_longer_holds_view_submission():
    from django.contrib.auth.models import Group

    from triage.platform.roles import CLINIC_STAFF

    group = Group.objects.get(name=CLINIC_STAFF)
    assert not group.permissions.filter(codename="view_submission").exists()


def test_clinic_staff_with_staff_status_cannot_read_summaries_in_the_admin():
    submission = submission_create(answers=people.TYPE1_DIABETES)
    nurse = Client()
    nurse.force_login(factories.clinic_staff(is_staff=True))
    for path in (
        "/admin/triage/submission/",
        f"/admin/triage/submission/{submission.pk}/change/",
    ):
        assert nurse.get(path).status_code == 403, path
    assert "triage/submission" not in nurse.get("/admin/").content.decode()
    assert not Lookup.objects.exists()


def test_a_superuser_opening_a_summary_in_the_admin_is_recorded(admin_client, admin_user):
    submission = submission_create(answers=people.TYPE1_DIABETES)
    page = admin_client.get(f"/admin/triage/submission/{submission.pk}/change/")
    assert page.status_code == 200
    record = Lookup.objects.get()
    assert (record.user, record.outcome, record.submission) == (admin_user, "admin", submission)
    assert record.code == submission.reference


# --- 11. The cards API returned an editor's raw HTML ---------------------------------------------

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile_section(loaded_rules):
    """An editor's text with raw HTML in every field, in a section every summary shows."""
    from triage.authoring.ruleset import clear_ruleset_cache
    from triage.models import Section

    section = Section.objects.get(slug="clinical-trials")
    section.title = f"Trials {HOSTILE}"
    section.summary = f"Registered trials {HOSTILE}"
    section.body = (
        f"{section.body}\n\n{HOSTILE} [click](javascript:alert(1)) "
        '<a href="javascript:alert(2)">link</a> &lt;script&gt;'
    )
    section.save()
    source = section.sources.first()
    source.label = f"A source {HOSTILE}"
    source.save()
    clear_ruleset_cache()
    yield section
    clear_ruleset_cache()


def assert_sanitised(document: dict) -> None:
    card = next(c for c in document["cards"] if c["slug"] == "clinical-trials")
    text = str(document)
    for raw in ("<script", "<img", "onerror", "javascript:", "<a "):
        assert raw not in text, raw
    assert card["title"] == "Trials" and card["summary"] == "Registered trials"
    assert "[click]" not in card["detail"] and "click" in card["detail"]
    assert "&lt;script>" in card["detail"]  # typed as text, it stays text
    assert "**" in card["detail"] or "-" in card["detail"]  # still Markdown


@pytest.mark.usefixtures("hostile_section")
def test_the_cards_api_returns_sanitised_text_only(tmp_path):
    response = Client().post("/api/cards", people.TYPE1_DIABETES, content_type="application/json")
    assert response.status_code == 200
    assert_sanitised(response.json())
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(people.TYPE1_DIABETES))
    out = io.StringIO()
    call_command("evaluate", str(path), stdout=out)
    assert_sanitised(json.loads(out.getvalue()))


@pytest.mark.parametrize(
    ("path", "method"),
    [("/api/cards", "POST"), ("/fhir/Questionnaire/stem-cell-triage", "GET")],
)
def test_cors_preflights_are_answered_without_credentials(client, path, method):
    response = client.options(
        path,
        HTTP_ORIGIN="https://forms.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert method in response["Access-Control-Allow-Methods"]
    assert "content-type" in response["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in response
    assert not response.cookies


def test_the_cards_answer_itself_may_be_read_by_any_site(client):
    response = client.post(
        "/api/cards",
        people.TYPE1_DIABETES,
        content_type="application/json",
        HTTP_ORIGIN="https://forms.example.org",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    refused = client.post("/api/cards", b"[", content_type="application/json")
    assert refused["Access-Control-Allow-Origin"] == "*"  # errors are readable too


# --- 12. gunicorn trusted forwarded headers without the proxy setting -----------------------------


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("behind_proxy", ["false", "true"])
def test_gunicorn_trusts_forwarded_headers_only_behind_the_proxy(behind_proxy, tmp_path):
    import http.client
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "triage.settings",
        "DJANGO_SECRET_KEY": "gunicorn-test-secret-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_BEHIND_TLS_PROXY": behind_proxy,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            *("-c", "gunicorn.conf.py", "triage.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1"),
        ],
        cwd=root,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request(
                    "GET",
                    "/healthz",  # exempt from the redirect to https, so plain http answers
                    headers={
                        "Host": "127.0.0.1",
                        "X-Forwarded-Proto": "https",
                        "X-Forwarded-Ssl": "on",
                        "X-Forwarded-Protocol": "ssl",
                    },
                )
                response = conn.getresponse()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert response.status == 200
        hsts = response.getheader("Strict-Transport-Security")
        if behind_proxy == "true":
            assert hsts and hsts.startswith("max-age=")  # the proxy's word is taken
        else:
            assert hsts is None  # plain http stays plain http
    finally:
        server.terminate()
        server.wait(timeout=15)


# --- 13. An editor could slow every patient --------------------------------------------------------


def delete_url(rule) -> str:
    from django.urls import reverse

    return reverse("admin:triage_rule_delete", args=[rule.pk])


@pytest.fixture
def proofs(monkeypatch):
    """How many times the whole-answer-space proof and the effect count run."""
    from triage.authoring import verdict
    from triage.engine import principles

    runs = {"proof": 0, "effect": 0}
    verify, effect = principles.verify, verdict._effect

    def counted_verify(*args, **kwargs):
        runs["proof"] += 1
        return verify(*args, **kwargs)

    def counted_effect(*args, **kwargs):
        runs["effect"] += 1
        return effect(*args, **kwargs)

    monkeypatch.setattr(principles, "verify", counted_verify)
    monkeypatch.setattr(verdict, "_effect", counted_effect)
    return runs


def test_the_delete_page_never_runs_the_proof_on_a_get(editor_client, proofs):
    from triage.models import Rule

    rule = Rule.objects.get(key="basics-everyone")
    for _ in range(5):
        response = editor_client.get(delete_url(rule))
        assert response.status_code == 200
    assert proofs == {"proof": 0, "effect": 0}
    assert "checked like any edit" in response.content.decode()


def test_a_verdict_is_kept_by_the_candidates_fingerprint(editor_client, proofs):
    from tests.admin_posts import change_url, confirm, open_change
    from triage.models import Section

    section = Section.objects.get(slug="hsct-risks")
    url = change_url(section)
    data = open_change(editor_client, section)
    data["body"] = section.body + "\n\nAsk your specialist team about these risks."
    first = editor_client.post(url, data)
    again = editor_client.post(url, data)  # the same edit posted twice: proved once
    assert "effect" in first.context and "effect" in again.context
    assert proofs == {"proof": 1, "effect": 1}
    assert confirm(editor_client, url, again).status_code == 302
    assert proofs == {"proof": 1, "effect": 1}  # confirming proves and counts nothing again


def test_a_confirmed_save_on_another_process_proves_nothing_again(editor_client, proofs):
    """The confirmation carries its verdict, so the save itself runs no proof (its time is
    measured in benchmarks/, not asserted here)."""
    from tests.admin_posts import change_url, confirm, open_change
    from triage.authoring import verdict
    from triage.models import Section

    section = Section.objects.get(slug="hsct-risks")
    url = change_url(section)
    data = open_change(editor_client, section)
    data["body"] = section.body + "\n\nAsk your specialist team about these risks too."
    shown = editor_client.post(url, data)  # the whole answer space: seconds
    verdict.forget()  # the confirmation lands on a process that kept nothing
    saved = confirm(editor_client, url, shown)
    assert saved.status_code == 302
    assert proofs == {"proof": 1, "effect": 1}
    assert Section.objects.get(slug="hsct-risks").body.endswith("risks too.")


def test_a_forged_or_stale_confirmation_is_checked_again(editor_client, proofs):
    from tests.admin_posts import change_url, open_change
    from triage.admin.forms import CONFIRM
    from triage.models import Section

    section = Section.objects.get(slug="hsct-risks")
    url = change_url(section)
    data = open_change(editor_client, section)
    data["body"] = section.body + "\n\nAsk your specialist team about these risks."
    shown = editor_client.post(url, data)
    token = shown.context["token"]
    for forged in ("", token[:-2] + "xx", f"{'0' * 16}:{'1' * 16}"):
        response = editor_client.post(url, {**data, CONFIRM: forged})
        assert response.status_code == 200 and "effect" in response.context  # asked again
    assert Section.objects.get(slug="hsct-risks").body == section.body
