"""English and Spanish: English addresses unchanged, Spanish under /es/, a switcher on every
page to the same page in the other language, a summary that records and opens in its language,
and a Spanish catalogue with every interface string translated (README, Languages)."""

import gettext as gnu_gettext
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests import answers as people
from tests.factories import staff_client
from tests.journey import PREFIX
from tests.spanish import MO, catalogue, english_msgids, spanish_summary
from triage.authoring.ruleset import load_ruleset
from triage.engine import questions
from triage.engine.rules import evaluate
from triage.models import Submission

pytestmark = pytest.mark.usefixtures("loaded_rules")


def test_every_interface_string_has_a_spanish_translation_and_none_is_fuzzy():
    entries = catalogue()
    assert len(entries) > 350  # every template, form, page, question and error
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_placeholders_survive_translation():
    """A Spanish string keeps every placeholder its English has ({answer}, %(days)s)."""
    pattern = re.compile(r"\{\w+\}|%\(\w+\)[sdr]")
    for entry in catalogue():
        wanted = sorted(set(pattern.findall(entry["msgid"])))
        for text in entry["msgstr"].values():
            assert sorted(set(pattern.findall(text))) == wanted or entry.get("msgid_plural"), entry[
                "msgid"
            ]


def test_the_compiled_catalogue_matches_the_po_file():
    """locale/es/LC_MESSAGES/django.mo is committed (a fresh machine needs no gettext tools);
    it must say what django.po says: run `manage.py compilemessages` and commit both."""
    with MO.open("rb") as handle:
        compiled = gnu_gettext.GNUTranslations(handle)
    for entry in catalogue():
        if entry.get("msgid_plural"):
            continue
        key = entry["msgid"] if "msgctxt" not in entry else None
        if key is None:
            assert compiled.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"]["msgstr"]
        else:
            assert compiled.gettext(key) == entry["msgstr"]["msgstr"], key


def test_the_questionnaire_wording_is_all_in_the_catalogue():
    """The engine marks its wording with a no-op `_`: every label, hint and error is a msgid."""
    ids = english_msgids()
    for question in questions.QUESTIONS:
        for text in (question.text, question.check_label, question.hint, question.error):
            assert text in ids, text
        for choice in question.choices:
            assert choice.label in ids
            assert not choice.hint or choice.hint in ids


# --- addresses and the switcher --------------------------------------------------------------


def switch_link(html: str) -> re.Match:
    match = re.search(
        r'<a class="site-header__language" id="language-switch" href="([^"]*)" '
        r'lang="(\w+)" hreflang="(\w+)">([^<]*)</a>',
        html,
    )
    assert match, "no language switcher"
    return match


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def test_english_addresses_are_unchanged_and_spanish_lives_under_es(client):
    assert reverse("triage:start") == "/"
    assert reverse("triage:question", kwargs={"step": "condition"}) == "/questions/condition/"
    assert reverse("staff:lookup") == "/staff/"
    with translation.override("es"):
        assert reverse("triage:start") == "/es/"
        assert reverse("triage:question", kwargs={"step": "region"}) == "/es/questions/region/"
    english, spanish = client.get("/"), client.get("/es/")
    assert html_lang(english.content.decode()) == "en"
    assert html_lang(spanish.content.decode()) == "es"
    assert "Encuentre información" in spanish.content.decode()
    # Machine and admin addresses stay unprefixed.
    assert client.get("/healthz").status_code == 200
    assert client.get("/es/healthz").status_code == 404
    assert client.get("/fhir/Questionnaire/stem-cell-triage").status_code == 200


def test_a_spanish_browser_still_gets_english_at_english_addresses(client):
    page = client.get("/", headers={"accept-language": "es"})
    assert page.status_code == 200 and html_lang(page.content.decode()) == "en"


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        ("/", "/es/"),
        ("/questions/condition/", "/es/questions/condition/"),
        ("/staff/login/", "/es/staff/login/"),
    ],
)
def test_the_switcher_links_to_the_same_page_in_the_other_language(client, english, spanish):
    link = switch_link(client.get(english).content.decode())
    assert (link.group(1), link.group(2), link.group(3)) == (spanish, "es", "es")
    assert link.group(4) == "Español"
    back = switch_link(client.get(spanish).content.decode())
    assert (back.group(1), back.group(2), back.group(3)) == (english, "en", "en")
    assert back.group(4) == "English"


def test_answers_survive_switching_language_mid_journey(client):
    """The wizard keeps answers in the session, whatever the address's language."""
    response = client.post(
        "/questions/condition/",
        {f"{PREFIX}-current_step": "condition", "condition-answer": "lupus"},
    )
    assert response.status_code == 302
    page = client.get("/es/questions/condition/").content.decode()
    assert re.search(r'value="lupus" checked', page)
    assert "¿Qué enfermedad tiene?" in page
    assert "Lupus (lupus eritematoso sistémico, LES)" in page
    response = client.post(
        "/es/questions/activity/",
        {f"{PREFIX}-current_step": "activity", "activity-answer": "stable"},
    )
    assert response["Location"].startswith("/es/questions/")
    assert re.search(r'value="stable" checked', client.get("/questions/activity/").content.decode())


def test_errors_are_in_spanish(client):
    client.get("/es/questions/condition/")
    page = client.post(
        "/es/questions/condition/", {f"{PREFIX}-current_step": "condition"}
    ).content.decode()
    assert "Hay un problema" in page
    assert "Elija la enfermedad que tiene" in page


# --- a summary in its language ---------------------------------------------------------------


def test_a_spanish_journey_stores_its_language(client):
    submission = spanish_summary(client)
    assert submission.language == "es"
    page = client.get(f"/es/summary/{submission.pk}/").content.decode()
    assert html_lang(page) == "es"
    assert "Su resumen de información" in page
    assert "Respondió “Sí” cuando le preguntamos por una fístula perianal" in page


def test_an_english_journey_stores_english(client):
    from tests.journey import finish

    finish(client, people.TYPE1_DIABETES)
    assert Submission.objects.get().language == "en"


def test_the_private_link_opens_in_the_summarys_language(client):
    submission = spanish_summary(client)
    stranger = Client()
    response = stranger.get(f"/s/{submission.private_token}/")
    assert response.status_code == 302
    assert response["Location"] == f"/es/s/{submission.private_token}/"
    page = stranger.get(response["Location"]).content.decode()
    assert html_lang(page) == "es" and "Su resumen de información" in page
    # The switcher's English link is an explicit choice, and stays English.
    english = switch_link(page).group(1)
    assert english == f"/s/{submission.private_token}/?lang=en"
    shown = stranger.get(english)
    assert shown.status_code == 200 and html_lang(shown.content.decode()) == "en"
    # Chosen once, English stays on the summary's own links, and nothing is stored for it.
    assert not shown.cookies
    html = shown.content.decode()
    sheet_url = re.search(r'<a id="print-sheet"[^>]*href="([^"]+)"', html).group(1)
    assert sheet_url == f"/s/{submission.private_token}/sheet/?lang=en"
    sheet = stranger.get(sheet_url.replace("&amp;", "&"))
    assert sheet.status_code == 200 and html_lang(sheet.content.decode()) == "en"
    # Without the choice, the link opens in Spanish again.
    assert stranger.get(f"/s/{submission.private_token}/sheet/").status_code == 302


def test_staff_see_a_spanish_summary_in_spanish_and_can_print_it_in_english(client):
    submission = spanish_summary(client)
    staff = staff_client()
    found = staff.post("/staff/", {"code": submission.reference})
    assert found["Location"] == f"/staff/summaries/{submission.reference}/"
    moved = staff.get(found["Location"])
    assert moved["Location"] == f"/es/staff/summaries/{submission.reference}/"
    page = staff.get(moved["Location"]).content.decode()
    assert html_lang(page) == "es"
    assert "Imprimir la hoja de una página para la cita" in page
    english = re.search(r'<a id="print-sheet-english"[^>]*href="([^"]+)"[^>]*>([^<]+)</a>', page)
    assert english and english.group(2) == "Print in English"
    assert english.group(1) == f"/staff/summaries/{submission.reference}/sheet/?lang=en"
    sheet = staff.get(english.group(1))
    assert sheet.status_code == 200
    sheet_html = sheet.content.decode()
    assert html_lang(sheet_html) == "en" and "Appointment sheet" in sheet_html


def test_an_english_summary_has_no_print_in_english_button(client):
    from tests.journey import finish

    finish(client, people.TYPE1_DIABETES)
    submission = Submission.objects.get()
    staff = staff_client()
    staff.post("/staff/", {"code": submission.reference})
    page = staff.get(f"/staff/summaries/{submission.reference}/").content.decode()
    assert "print-sheet-english" not in page and html_lang(page) == "en"


def test_why_a_section_is_shown_is_said_in_the_active_language_whichever_came_first():
    """Reasons are kept per language once worded: English first must not make them English in
    Spanish, nor Spanish first in English."""
    shown = evaluate(people.REFRACTORY_MS_HIGH_RISK, load_ruleset())
    said = {}
    for language in ("en", "es", "en", "es"):
        with translation.override(language):
            worded = [item.reasons() for item in shown]
        assert said.setdefault(language, worded) == worded
    assert all(en != es for en, es in zip(said["en"], said["es"], strict=True))


def test_a_missing_page_offers_the_start_page_in_the_other_language(client):
    page = client.get("/es/no-such-page/")
    assert page.status_code == 404
    html = page.content.decode()
    assert html_lang(html) == "es" and "No se encontró la página" in html
    assert switch_link(html).group(1) == "/"


def test_the_warning_signs_the_person_ticked_are_introduced_in_their_language(client):
    submission = spanish_summary(client, people.OFFERED_ABROAD)
    page = client.get(f"/es/summary/{submission.pk}/").content.decode()
    assert "tiene señales de alerta de una clínica que vende tratamientos no probados" in page
    assert "The offer you told us about" not in page
    english = client.get(f"/summary/{submission.pk}/", {"lang": "en"}).content.decode()
    assert "The offer you told us about has warning signs of an unproven clinic" in english
