"""Content translations (principle 13): the shipped Spanish loads and is current; a
translation whose English changed is stale and not shown (English and a notice in Spanish
instead), in the summary, the comparison and the admin's list; the guards (advice, ranking,
reading) refuse Spanish through every way in, naming the language, the phrase and the field;
a Spanish summary has the English one's sections in order for every answer class; Spanish is
offered only while the mandatory sections have current translations."""

from __future__ import annotations

import hashlib
import io
import json
import re

import pytest
import textstat
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from textstat.textstat import textstatistics

from tests import answers as people
from tests.admin_posts import change_url, form_data
from tests.factories import editor
from tests.fixture_rows import FIXTURES, ROOT, shipped_row, shipped_rows, with_fields
from tests.journey import finish
from triage.authoring import readability, verdict
from triage.authoring import translations as checks
from triage.authoring.files import ruleset_from_objects
from triage.authoring.ruleset import load_ruleset
from triage.engine import advice, principles, regions
from triage.engine import translations as engine
from triage.engine.rules import evaluate
from triage.models import Cell, Option, Section, Submission, Translation
from triage.summary.comparison import comparison_context
from triage.summary.context import summary_context
from triage.summary.translations import spanish_available

HARD_SPANISH = (
    "La administración intravenosa de inmunosupresores condiciona modificaciones "
    "hematológicas significativas, particularmente neutropenias prolongadas, requiriendo "
    "monitorización ambulatoria exhaustiva durante períodos considerablemente extensos "
    "posteriores al procedimiento terapéutico."
)
NOTICE = engine.NOTICES["es"]


def es_row(kind, key):
    for row in shipped_rows():
        f = row["fields"]
        if row["model"] == "triage.translation" and (f["kind"], f["key"]) == (kind, key):
            return row
    raise AssertionError(f"no Spanish {kind} {key!r} in fixtures/")


def with_texts(row, **texts):
    changed = json.loads(json.dumps(row))
    changed["fields"]["texts"].update(texts)
    return changed


def with_row(row):
    """The shipped ruleset with `row` in place of the shipped translation it edits."""
    key = (row["fields"]["kind"], row["fields"]["key"], row["fields"]["language"])

    def same(r):
        f = r["fields"]
        return r["model"] == "triage.translation" and (f["kind"], f["key"], f["language"]) == key

    rows = shipped_rows()
    rows = [row if same(r) else r for r in rows] + ([] if any(map(same, rows)) else [row])
    return ruleset_from_objects(rows)


def coded_lines(text):
    return [
        (m.group(1), m.group(2))
        for m in re.finditer(
            r"^\s*(?:\x1b\[[\d;]*m)?\[([a-z0-9-]+)\] (.*?)(?:\x1b\[0m)?$", text, re.M
        )
    ]


def spanish():
    """Spanish addresses (/es/...): reverse() follows the active language, and LocaleMiddleware
    makes the pages there Spanish."""
    return translation.override("es")


def edit_english_body(slug):
    """An editor changes the English body (saved as the admin saves: signals, new token)."""
    section = Section.objects.get(slug=slug)
    section.body = section.body + "\n\nThe text was updated.\n"
    section.save()
    return section


# --- the shipped translations -----------------------------------------------------------


def test_the_fingerprint_is_the_documented_recipe():
    texts = {"title": "T", "summary": "S", "body": "B"}
    expected = hashlib.sha256(b"T\x1fS\x1fB").hexdigest()[:16]
    assert engine.fingerprint("section", texts) == expected
    cell = hashlib.sha256(b"x\x1f\x1f\x1f").hexdigest()[:16]
    assert engine.fingerprint("cell", {"text": "x"}) == cell  # a missing text counts as ""


def test_the_shipped_translations_load_and_are_all_current(loaded_rules):
    ruleset = load_ruleset()
    assert Translation.objects.count() == 143
    counts = {kind: Translation.objects.filter(kind=kind).count() for kind in engine.KINDS}
    assert counts == {"section": 23, "option": 6, "gridrow": 11, "cell": 103}
    assert [s.translation.key for s in checks.states(ruleset) if s.stale] == []
    assert set(Translation.objects.values_list("status", flat=True)) == {"awaiting_review"}
    assert set(Section.objects.values_list("slug", flat=True)) == set(
        Translation.objects.filter(kind="section").values_list("key", flat=True)
    )
    assert verdict.refusals(ruleset) == []


def test_every_shipped_spanish_text_passes_the_reading_check_and_reads_easily(shipped_ruleset):
    sections = [t for t in shipped_ruleset.translations if t.kind == "section"]
    for t in sections:
        scores = readability.spanish_scores(t.texts["summary"], t.texts["body"])
        assert scores.body >= readability.SPANISH_BODY_TARGET, t.key
        assert scores.key_point >= readability.SPANISH_KEY_POINT_LIMIT, t.key
    cells = [t.texts["text"] for t in shipped_ruleset.translations if t.kind == "cell"]
    together = readability.ease_es("\n".join(map(readability.lines_as_sentences, cells)))
    assert together >= 70  # the whole Spanish grid, read together: grade 7 on Flesch's table


def test_spanish_scores_never_change_an_english_grade():
    """textstat's language is state: the Spanish scores use an object of their own."""
    text = "Many medicines are licensed for these conditions. Ask your team about it."
    english = textstatistics()  # a fresh object: English, as textstat starts
    readability.ease_es(HARD_SPANISH + " otra vez")
    assert readability.grade(text) == english.flesch_kincaid_grade(text)
    assert textstat.flesch_kincaid_grade(text) == english.flesch_kincaid_grade(text)
    assert readability.ease_es("Muchos medicamentos.") != english.fernandez_huerta(
        "Muchos medicamentos."
    )  # Spanish syllables: me-di-ca-men-tos


# --- the guards, in Spanish -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Usted debería pensarlo.", ["Usted debería"]),
        ("Usted deberia pensarlo.", ["Usted deberia"]),  # no accent: the same phrase
        ("LE RECOMENDAMOS un centro.", ["LE RECOMENDAMOS"]),
        ("Tiene que dejar su medicamento.", ["Tiene que dejar"]),
        ("Deje de tomarlo.", ["Deje de"]),
        ("Es una cura. Podría curar.", ["cura", "curar"]),
        ("El centro procura cuidar a las personas.", []),  # a whole word only
        ("Se recomienda preguntar al equipo.", []),
        ("You should stop.", []),  # English phrases are the English check's
    ],
)
def test_the_spanish_advice_phrases(text, found):
    assert advice.find_advice(text, "es") == found


def test_the_spanish_ranking_words_are_refused_in_a_grid_translation_only(shipped_ruleset):
    assert advice.find_ranking("Es la mejor opción, mejor que otras.", "es") == [
        "la mejor opción",
        "mejor que",
    ]
    row = with_texts(es_row("cell", "hsct/involves/"), text="Es la mejor opción para muchos.")
    refusals = verdict.refusals(with_row(row))
    assert [(r.code, r.field) for r in refusals] == [("grid-ranking", "text")]
    assert (
        "es translation of comparison cell 'hsct/involves/', text: \u201cla mejor opción\u201d"
        in (refusals[0].message)
    )


def test_a_hard_spanish_body_key_point_and_cell_are_refused():
    body = with_texts(es_row("section", "hsct-risks"), body=f"{HARD_SPANISH}\n\n{HARD_SPANISH}\n")
    [refusal] = verdict.refusals(with_row(body))
    assert (refusal.code, refusal.field) == ("body-too-hard", "body")
    assert refusal.message.startswith("es translation of section 'hsct-risks', body: the Spanish")
    assert "Fernández-Huerta" in refusal.message
    key = with_texts(es_row("section", "hsct-risks"), summary=HARD_SPANISH)
    assert [r.code for r in verdict.refusals(with_row(key))] == ["key-point-too-hard"]
    cell = with_texts(es_row("cell", "hsct/involves/"), text=HARD_SPANISH)
    assert [r.code for r in verdict.refusals(with_row(cell))] == ["grid-too-hard"]


def test_a_key_that_names_nothing_is_refused():
    row = with_fields(es_row("section", "hsct-risks"), key="hsct-riskz")
    [refusal] = verdict.refusals(with_row(row))
    assert refusal.code == "translation-unknown"
    assert refusal.message == (
        "es translation of section 'hsct-riskz', key: names no section (nothing to translate)"
    )
    cell = with_fields(es_row("cell", "hsct/involves/"), key="hsct/involves/lupuz")
    assert [r.code for r in verdict.refusals(with_row(cell))] == ["translation-unknown"]


DIRECTIVE = "Le recomendamos el trasplante."
DIRECTIVE_MESSAGE = (
    "es translation of section 'hsct-risks', body: \u201cLe recomendamos\u201d tells a person what "
    "to do (say what is known instead, or \u2018pregunte a su equipo de especialistas \u2026\u2019)"
)


def test_a_spanish_directive_sentence_is_refused_by_every_way_in(loaded_rules, tmp_path, client):
    row = es_row("section", "hsct-risks")
    broken = with_texts(row, body=row["fields"]["texts"]["body"] + f"\n{DIRECTIVE}\n")
    expected = [("advice", DIRECTIVE_MESSAGE)]
    assert [(r.code, r.message) for r in verdict.refusals(with_row(broken))] == expected

    path = tmp_path / "broken.json"
    path.write_text(json.dumps([broken]))
    with pytest.raises(CommandError) as info:  # load_rules, naming the phrase
        call_command("load_rules", str(path))
    assert coded_lines(str(info.value)) == expected
    assert f"[advice] {DIRECTIVE_MESSAGE}" in str(info.value)

    client.force_login(editor())  # the admin, beside the body
    stored = Translation.objects.get(kind="section", key="hsct-risks")
    data = form_data(client.get(change_url(stored)))
    data["body"] = broken["fields"]["texts"]["body"]
    response = client.post(change_url(stored), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert [(e.code, e.messages[0]) for e in errors["body"]] == expected
    stored.refresh_from_db()
    assert DIRECTIVE not in stored.texts["body"]

    call_command("loaddata", str(path), verbosity=0)  # past every check: the system check
    errors = run_checks(tags=["triage"], databases=["default"])
    assert [(e.id, e.msg) for e in errors] == [("triage.advice", DIRECTIVE_MESSAGE)]
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_rules", stdout=out)
    assert coded_lines(out.getvalue())[:1] == expected


def test_the_admin_saves_a_translation_with_its_history_and_the_current_fingerprint(
    loaded_rules, client
):
    client.force_login(editor())
    edit_english_body("hsct-risks")
    stored = Translation.objects.get(kind="section", key="hsct-risks")
    versions_before = stored.history.count()
    assert checks.is_stale(load_ruleset(), stored.to_engine())
    data = form_data(client.get(change_url(stored)))
    assert "from_current_english" not in data  # unticked: it is stale
    data["body"] = stored.texts["body"] + "\nEl texto se actualizó.\n"
    data["from_current_english"] = "on"
    response = client.post(change_url(stored), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    stored.refresh_from_db()
    assert not checks.is_stale(load_ruleset(), stored.to_engine())
    assert stored.history.count() == versions_before + 1  # the edit, in its history
    page = client.get(reverse("admin:triage_translation_changelist")).content.decode()
    assert "Translated, awaiting clinical review" in page


# --- stale translations -------------------------------------------------------------------


def test_a_changed_english_body_makes_its_translation_stale_everywhere(loaded_rules, client):
    edit_english_body("hsct-risks")
    assert spanish_available()  # hsct-risks is not mandatory: Spanish is still offered

    with spanish():
        page = finish(client, people.REFRACTORY_MS_HIGH_RISK).content.decode()
    submission = Submission.objects.latest("created")
    es_title = Translation.objects.get(kind="section", key="hsct-risks").texts["title"]
    cards = {c["slug"]: c for c in summary_context(submission, language="es")["cards"]}
    risks = cards["hsct-risks"]
    assert risks["notice"] == NOTICE and risks["language"] == "en"
    assert "The text was updated." in risks["detail"] and risks["title"] != es_title
    assert (
        cards["hsct-how-it-works"]["language"] == "es" and not cards["hsct-how-it-works"]["notice"]
    )
    # the page: the English section, marked as English, with the notice in Spanish
    section = page.split('id="hsct-risks"', 1)[1].split("</section>", 1)[0]
    assert 'lang="en"' in section.split(">", 1)[0]
    assert NOTICE in section and "The text was updated." in section
    assert "Los riesgos del HSCT" not in section
    assert cards["hsct-how-it-works"]["title"] in page

    client.force_login(editor())  # the admin lists it as stale
    url = reverse("admin:triage_translation_changelist")
    stale = client.get(url, {"freshness": "stale"})
    assert [t.key for t in stale.context["cl"].result_list] == ["hsct-risks"]
    assert "Stale: English shown instead" in stale.content.decode()
    current = client.get(url, {"freshness": "current"})
    assert "hsct-risks" not in [t.key for t in current.context["cl"].result_list]
    assert current.context["cl"].result_count == 142


def test_a_stored_summary_never_shows_a_translation_of_newer_english(loaded_rules, client):
    finish(client, people.REFRACTORY_MS_HIGH_RISK)
    before = Submission.objects.latest("created")  # stored with the shipped English
    edit_english_body("hsct-risks")
    cards = {c["slug"]: c for c in summary_context(before, language="es")["cards"]}
    assert cards["hsct-risks"]["language"] == "es"  # translated from exactly what it stored

    # The translator catches up with the new English: the old summary keeps its English.
    stored = Translation.objects.get(kind="section", key="hsct-risks")
    section = Section.objects.get(slug="hsct-risks")
    stored.source_fingerprint = engine.fingerprint(
        "section", {"title": section.title, "summary": section.summary, "body": section.body}
    )
    stored.save()
    cards = {c["slug"]: c for c in summary_context(before, language="es")["cards"]}
    assert cards["hsct-risks"]["language"] == "en" and cards["hsct-risks"]["notice"] == NOTICE


def test_print_in_english_and_the_english_page_are_untouched(loaded_rules, client):
    with spanish():
        finish(client, people.REFRACTORY_MS_HIGH_RISK)
        submission = Submission.objects.latest("created")
        english = summary_context(submission, language="en")["cards"]
        assert [c["title"] for c in english] == [c["title"] for c in submission.result]
        assert all(not c["notice"] for c in english)
        spanish_cards = summary_context(submission)["cards"]  # the page's language: Spanish
    assert spanish_cards[0]["title"] == "Esto es información, no consejo médico"
    english_chosen = {"lang": "en"}  # a Spanish summary opens in Spanish unless English is chosen
    page = client.get(reverse("triage:summary", args=[submission.pk]), english_chosen)
    assert "This is information, not medical advice" in page.content.decode()
    assert NOTICE not in page.content.decode()


def test_the_spanish_comparison_follows_the_stored_grid_and_the_region(loaded_rules, client):
    answers = {**people.REFRACTORY_MS_HIGH_RISK, "region": "us"}
    cell = Cell.objects.get(option__slug="usual-care", row__slug="involves", condition="")
    cell.text = cell.text + " Updated."
    cell.save()  # its translation is stale for summaries made from now on
    finish(client, answers)
    submission = Submission.objects.latest("created")
    grid = comparison_context(submission, language="es")["grid"]
    titles = [c["title"] for c in grid["columns"]]
    assert titles[0] == "Tratamiento habitual con su propio equipo médico"
    rows = {r["slug"]: r for r in grid["rows"]}
    assert rows["involves"]["question"] == "¿En qué consiste?"
    involves = rows["involves"]["cells"][0]
    assert involves["text"].endswith("Updated.") and involves["notice"]
    approved = rows["approved"]["cells"][0]
    assert approved["language"] == "es" and approved["text"].startswith("US:")
    assert "medicamentos" in approved["text"]
    english = comparison_context(submission, language="en")["grid"]
    assert english["columns"][0]["title"] == submission.comparison["columns"][0]["title"]


def test_the_spanish_region_headings_put_the_persons_region_first(shipped_ruleset):
    found = engine.index(shipped_ruleset.translations)
    body = next(
        t.texts["body"]
        for t in found.values()
        if t.kind == "section" and "### Qué está aprobado en" in t.texts["body"]
    )
    for region, heading in (
        ("us", "Estados Unidos"),
        ("eu", "la Unión Europea"),
        ("uk", "el Reino Unido"),
    ):
        first = re.findall(r"### Qué está aprobado en (.*)", regions.region_first(body, region))
        assert first[0] == heading


# --- principle 13 and the offer of Spanish ----------------------------------------------


def test_principle_13_holds_over_every_answer_class_current_or_stale(shipped_ruleset):
    report = principles.verify(shipped_ruleset)
    assert report.violations == [] and report.combinations > 2_000_000
    # Every section's English changed: every translation stale, every section still there.
    rows = [
        with_fields(r, body=r["fields"]["body"] + "\nChanged.\n")
        if r["model"] == "triage.section"
        else r
        for r in shipped_rows()
    ]
    changed = ruleset_from_objects(rows)
    found = engine.index(changed.translations)
    for answers, _ in principles.answer_classes(changed):
        shown = evaluate(answers, changed)
        assert principles.check_languages(shown, changed, found) == []
        cards = [
            {"slug": s.slug, "title": "t", "summary": "s", "detail": changed.section(s.slug).body}
            for s in shown
        ]
        localised = engine.localise_cards(cards, "es", found)
        assert [c["slug"] for c in localised] == [s.slug for s in shown]
        assert all(c["notice"] == NOTICE for c in localised)


def test_principle_13_is_refused_when_a_translation_shows_nothing(shipped_ruleset, monkeypatch):
    """Break the fallback on purpose: the proof names principle 13 and an answer set."""
    real = engine.localise

    def to_nothing(kind, key, english, language, found):
        shown = real(kind, key, english, language, found)
        return engine.Localised(dict.fromkeys(shown.texts, ""), language) if shown.notice else shown

    monkeypatch.setattr(engine, "localise", to_nothing)
    rows = [
        with_fields(r, body=r["fields"]["body"] + "\nChanged.\n")
        if r["model"] == "triage.section" and r["fields"]["slug"] == "hsct-risks"
        else r
        for r in shipped_rows()
    ]
    [violation] = principles.verify(ruleset_from_objects(rows), stop_after=1).violations
    assert (
        violation.principle == 13 and "'hsct-risks' shows no title or detail" in violation.message
    )


def test_principle_13_is_refused_when_a_language_reorders_the_sections(
    shipped_ruleset, monkeypatch
):
    """Break the order on purpose: a summary whose Spanish cards come in another order than
    the English sections breaks principle 13, whatever their texts."""
    real = engine.localise_cards
    monkeypatch.setattr(
        engine, "localise_cards", lambda cards, language, found: real(cards, language, found)[::-1]
    )
    shown = evaluate(people.REFRACTORY_MS_HIGH_RISK, shipped_ruleset)
    assert principles.check_languages(shown, shipped_ruleset) == [
        (13, "the 'es' summary does not have the English sections in order")
    ]


def test_spanish_is_offered_only_while_the_mandatory_sections_are_current(loaded_rules):
    assert spanish_available()
    edit_english_body("approved-protocols")
    assert not spanish_available()
    Section.objects.get(slug="approved-protocols").delete()  # its built-in text: translated
    assert spanish_available()
    Translation.objects.filter(kind="section", key="not-medical-advice").delete()
    assert not spanish_available()


def test_the_fixture_files_are_read_by_the_one_format(loaded_rules, tmp_path):
    assert {p.name for p in FIXTURES} >= {"es-sections.json", "es-comparison.json"}
    row = es_row("option", "hsct")
    row["fields"]["texts"] = ["not", "an", "object"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([row]))
    with pytest.raises(CommandError, match="'texts' must be an object of texts"):
        call_command("load_rules", str(path))
    assert (ROOT / "fixtures" / "es-sections.json").read_text().startswith("[\n  {")
    assert shipped_row("triage.section", "hsct-risks")


def test_the_sheet_follows_the_summarys_language(loaded_rules, client):
    finish(client, people.REFRACTORY_MS_HIGH_RISK)
    submission = Submission.objects.latest("created")
    es = {t.key: t.texts for t in Translation.objects.filter(kind="section")}
    with spanish():
        sheet = client.get(reverse("triage:sheet", args=[submission.pk])).content.decode()
    assert es["hsct-risks"]["summary"] in sheet
    assert "¿" in sheet  # the five questions, read from the Spanish questions-to-ask
    english = client.get(reverse("triage:sheet", args=[submission.pk])).content.decode()
    assert es["hsct-risks"]["summary"] not in english and "¿" not in english


def test_the_admin_add_and_change_pages_show_the_english(loaded_rules, client):
    client.force_login(editor())
    assert client.get(reverse("admin:triage_translation_add")).status_code == 200
    stored = Translation.objects.get(kind="option", key="hsct")
    page = client.get(change_url(stored)).content.decode()
    assert "Current" in page and Option.objects.get(slug="hsct").title in page


def test_the_switcher_offers_spanish_only_while_the_mandatory_sections_are_translated(
    loaded_rules, client, monkeypatch
):
    from triage.summary import context_processors

    monkeypatch.setattr(context_processors, "_offered", {"until": 0.0, "value": False})
    assert 'id="language-switch"' in client.get("/").content.decode()
    Translation.objects.filter(kind="section", key="not-medical-advice").delete()
    context_processors._offered["until"] = 0.0  # as after RECHECK_SECONDS
    assert 'id="language-switch"' not in client.get("/").content.decode()
