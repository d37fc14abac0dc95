"""Editing rules and sections in the admin, as a content editor would, with the test client.

Each test loads a change page, edits what the browser would post (including the inline formset
of sources or conditions) and checks what the admin does: refuse with a message that says what
is wrong, or show the effect on patients' summaries and save only once that is confirmed.

Every save runs the principles proof and the effect count. Over the whole answer space that
takes seconds, so the tests about form plumbing run them over the named people only
(the ``proof_over_the_people`` fixture); the tests marked ``full_proof`` (refusals and counts) keep the whole
space.
"""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from tests import answers as people
from tests.admin_posts import (
    change_url,
    condition_prefix,
    confirm,
    field_errors,
    form_data,
    open_change,
    page,
)
from tests.factories import CLINIC_STAFF, EDITORS, clinic_staff, editor
from triage.authoring.files import ruleset_from_objects
from triage.authoring.ruleset import load_ruleset
from triage.engine import principles, questions
from triage.engine.rules import evaluate
from triage.models import Condition, Rule, RulesetVersion, Section
from triage.summary.services import submission_create

pytestmark = pytest.mark.usefixtures("loaded_rules", "proof_over_the_people")
full_proof = pytest.mark.full_proof

# --- roles ------------------------------------------------------------------------------


def test_a_fresh_install_has_the_two_groups_with_their_permissions():
    editors = set(Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True))
    staff = set(Group.objects.get(name=CLINIC_STAFF).permissions.values_list("codename", flat=True))
    assert {"change_section", "add_source", "delete_condition", "change_rule"} <= editors
    assert {"view_historicalrule", "view_rulesetversion"} <= editors
    assert staff == set()  # migration 0015: staff reach summaries only by a recorded lookup


def test_an_editor_can_edit_rules_and_sections_and_clinic_staff_cannot(client):
    rule = Rule.objects.get(key="weighing-risks-cautious")
    section = Section.objects.get(slug="hsct-risks")
    client.force_login(editor())
    data = open_change(client, rule)
    assert client.get(change_url(section)).status_code == 200
    assert client.get(reverse("admin:triage_rule_try")).status_code == 200

    client.force_login(clinic_staff())
    assert client.get(change_url(rule)).status_code == 403
    assert client.get(change_url(section)).status_code == 403
    data["priority"] = "1"
    assert client.post(change_url(rule), data).status_code == 403
    assert client.get(reverse("admin:triage_rule_try")).status_code == 403
    assert Rule.objects.get(key="weighing-risks-cautious").priority == 45


# --- a section's text -------------------------------------------------------------------


def test_an_editor_changes_a_section_text_sees_the_effect_then_confirms(editor_client):
    section = Section.objects.get(slug="hsct-risks")
    url = change_url(section)
    data = open_change(editor_client, section)
    data["body"] = section.body + "\n\nAsk your specialist team about these risks."

    response = editor_client.post(url, data)
    text = page(response)
    assert "Confirm and save" in text and "Cancel, do not save" in text
    effect = response.context["effect"]
    assert 0 < effect.changed < effect.total
    assert f"{effect.changed:,}" in text
    assert response.context["examples"][0]["changed"] == [("hsct-risks", ["text"])]
    assert Section.objects.get(slug="hsct-risks").body == section.body  # not saved yet

    saved = confirm(editor_client, url, response)
    assert saved.status_code == 302
    assert Section.objects.get(slug="hsct-risks").body.endswith("about these risks.")
    latest = Section.history.filter(id=section.pk).latest("history_date")
    assert latest.history_user.username == "edith"
    assert latest.history_type == "~"
    assert f"{effect.changed:,}" in latest.history_change_reason


def test_cancelling_the_confirmation_saves_nothing(editor_client):
    section = Section.objects.get(slug="hsct-risks")
    data = open_change(editor_client, section)
    data["title"] = "Risks of HSCT, reworded"
    response = editor_client.post(change_url(section), data)
    assert response.context["cancel_url"] == change_url(section)
    assert editor_client.get(response.context["cancel_url"]).status_code == 200
    assert Section.objects.get(slug="hsct-risks").title == section.title


def test_a_confirmation_for_another_edit_does_not_save_this_one(editor_client):
    section = Section.objects.get(slug="hsct-risks")
    url = change_url(section)
    data = open_change(editor_client, section)
    data["title"] = "First wording"
    token = editor_client.post(url, data).context["token"]
    data["title"] = "Second wording"
    response = editor_client.post(url, {**data, "_confirm_effect": token})
    assert "admin/triage/confirm_change.html" in [t.name for t in response.templates]
    assert Section.objects.get(slug="hsct-risks").title == section.title


@pytest.mark.parametrize(
    ("field", "text", "phrase"),
    [
        ("body", "For most people with MS, we recommend HSCT.", "we recommend"),
        ("body", "You Should\nask for a transplant.", "You Should"),
        ("summary", "This treatment is guaranteed to help.", "guaranteed"),
        ("title", "A cure for lupus", "cure"),
        ("body", "HSCT may be **right for you**.", "right for you"),
    ],
)
def test_an_editor_cannot_save_advice_in_a_section(editor_client, field, text, phrase):
    section = Section.objects.get(slug="evidence-lupus")
    data = open_change(editor_client, section)
    data[field] = text
    response = editor_client.post(change_url(section), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors[field]
    assert f"\u201c{phrase}\u201d" in errors[0]
    assert f"\u201c{phrase}\u201d" in page(response)
    assert getattr(Section.objects.get(slug="evidence-lupus"), field) == getattr(section, field)


def test_a_section_switched_off_is_still_refused_advice_it_would_show_when_switched_on(
    editor_client,
):
    section = Section.objects.get(slug="stem-cells-basics")
    data = open_change(editor_client, section)
    del data["active"]
    data["body"] = "We recommend HSCT."
    response = editor_client.post(change_url(section), data)
    assert [code for code, _ in field_errors(response)[("", "body")]] == ["advice"]
    assert Section.objects.get(slug="stem-cells-basics").active


def test_an_editor_may_write_ask_your_specialist_team_about(editor_client):
    section = Section.objects.get(slug="evidence-lupus")
    url = change_url(section)
    data = open_change(editor_client, section)
    data["body"] = "Ask your specialist team about trials of CAR-T cells for lupus. Secure sites."
    saved = confirm(editor_client, url, editor_client.post(url, data))
    assert saved.status_code == 302
    assert Section.objects.get(slug="evidence-lupus").body.startswith("Ask your specialist team")


def test_an_editor_cannot_remove_the_last_source_of_a_section(editor_client):
    section = Section.objects.get(slug="evidence-lupus")
    data = open_change(editor_client, section)
    for i in range(int(data["sources-TOTAL_FORMS"])):
        data[f"sources-{i}-DELETE"] = "on"
    response = editor_client.post(change_url(section), data)
    assert response.status_code == 200
    assert "section &#x27;evidence-lupus&#x27;: needs at least one source" in page(response)
    assert section.sources.count() >= 1


NEW_POSITION = 50  # past every shipped source's position


def with_new_source(client, section, **fields):
    """The section's change form with one more source row (at NEW_POSITION), as posted."""
    data = open_change(client, section)
    n = int(data["sources-TOTAL_FORMS"])
    data["sources-TOTAL_FORMS"] = str(n + 1)
    row = {"section": section.pk, "position": NEW_POSITION, **fields}
    data.update({f"sources-{n}-{name}": str(value) for name, value in row.items()})
    return data


def test_a_doi_is_accepted_as_a_source_and_stored_as_a_link(editor_client):
    section = Section.objects.get(slug="evidence-lupus")
    url = change_url(section)
    data = with_new_source(
        editor_client,
        section,
        label="EBMT guidelines 2012",
        url="doi:10.1038/bmt.2011.185",
        year=2012,
    )
    confirm(editor_client, url, editor_client.post(url, data))
    source = section.sources.get(position=NEW_POSITION)
    assert source.url == "https://doi.org/10.1038/bmt.2011.185"
    assert source.year == 2012


def test_a_new_source_needs_its_year_or_the_date_it_was_checked(editor_client):
    section = Section.objects.get(slug="evidence-lupus")
    url = change_url(section)
    data = with_new_source(
        editor_client, section, label="A web page with no date", url="https://example.org/page"
    )
    response = editor_client.post(url, data)
    assert "Give the year the source was published" in page(response)
    assert not section.sources.filter(position=NEW_POSITION).exists()
    n = int(data["sources-TOTAL_FORMS"]) - 1
    data[f"sources-{n}-checked"] = "2026-11-30"
    confirm(editor_client, url, editor_client.post(url, data))
    assert str(section.sources.get(position=NEW_POSITION).checked) == "2026-11-30"


def test_an_editor_cannot_switch_off_or_delete_a_mandatory_section(editor_client):
    section = Section.objects.get(slug="not-medical-advice")
    data = open_change(editor_client, section)
    del data["active"]
    response = editor_client.post(change_url(section), data)
    assert "mandatory" in str(response.context["adminform"].form.errors["active"])
    assert Section.objects.get(slug="not-medical-advice").active
    delete = reverse("admin:triage_section_delete", args=[section.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert Section.objects.filter(slug="not-medical-advice").exists()


@full_proof
def test_an_editor_cannot_switch_off_the_tourism_warning(editor_client):
    section = Section.objects.get(slug="tourism-warning")
    data = open_change(editor_client, section)
    del data["active"]
    response = editor_client.post(change_url(section), data)
    text = page(response)
    assert "This change was not saved" in text
    assert "principle 2" in text
    assert "For example, for these answers: Condition:" in text
    assert Section.objects.get(slug="tourism-warning").active


def test_section_text_is_shown_sanitised_in_the_preview(editor_client):
    section = Section.objects.get(slug="evidence-lupus")
    url = change_url(section)
    data = open_change(editor_client, section)
    data["body"] = "Known facts.<script>alert(1)</script> <b onclick='x()'>bold</b>"
    confirm(editor_client, url, editor_client.post(url, data))
    text = page(editor_client.get(url))
    preview = text.split("How patients see the text", 1)[1]
    assert "<script>alert" not in preview and "onclick" not in preview


# --- a rule's conditions ----------------------------------------------------------------


@full_proof
def test_an_editor_changes_a_condition_sees_the_effect_then_confirms(editor_client):
    rule = Rule.objects.get(key="weighing-risks-cautious")
    url = change_url(rule)
    data = open_change(editor_client, rule)
    prefix = condition_prefix(data, "risk_tolerance")
    assert sorted(data[f"{prefix}-values"]) == ["risk_tolerance:low", "risk_tolerance:unsure"]
    data[f"{prefix}-values"] = [*data[f"{prefix}-values"], "risk_tolerance:moderate"]

    response = editor_client.post(url, data)
    effect = response.context["effect"]
    # Risk is asked of everyone and nothing else changes: one in four of all combinations.
    risk_answers = len(questions.BY_KEY["risk_tolerance"].values)
    assert effect.total == principles.space_size()
    assert effect.changed == effect.total // risk_answers
    assert f"{effect.changed:,}" in page(response)
    example = response.context["examples"][0]
    assert example["added"] == ["weighing-risks"] and example["removed"] == []
    assert ("Risk you would consider", "Moderate") in example["answers"]
    assert Condition.objects.get(rule=rule).values == ["low", "unsure"]

    assert confirm(editor_client, url, response).status_code == 302
    assert Condition.objects.get(rule=rule).values == ["low", "moderate", "unsure"]
    history = Condition.history.filter(rule_id=rule.pk).latest("history_date")
    assert history.history_user.username == "edith" and history.history_type == "~"
    rule_history = page(editor_client.get(reverse("admin:triage_rule_history", args=[rule.pk])))
    assert "Changes to its conditions" in rule_history
    assert "edith" in rule_history and "<strong>values:</strong>" in rule_history
    assert "Loaded by load_rules" in rule_history  # what it was changed from


def test_a_condition_offers_questions_and_derived_terms_by_the_names_editors_read(
    editor_client,
):
    text = page(editor_client.get(change_url(Rule.objects.get(key="weighing-risks-cautious"))))
    assert '<option value="risk_tolerance">Risk you would consider</option>' in text
    assert '<option value="refractory">(derived) refractory</option>' in text
    assert '<optgroup label="Risk you would consider">' in text


def test_a_change_that_affects_no_summary_saves_without_asking(editor_client):
    rule = Rule.objects.get(key="weighing-risks-cautious")
    data = open_change(editor_client, rule)
    data["description"] = "Clearer description."
    response = editor_client.post(change_url(rule), data)
    assert response.status_code == 302
    assert Rule.objects.get(pk=rule.pk).description == "Clearer description."


@full_proof
@pytest.mark.parametrize("slug", ["approved-protocols", "hsct-risks", "tourism-warning"])
def test_a_section_saved_as_it_stands_changes_no_summary(editor_client, slug):
    """The form's unsaved edit and the stored rows become the same engine section (text with
    its final newline, sources in order, dates, indicator), so saving without a change asks
    nothing."""
    section = Section.objects.get(slug=slug)
    data = open_change(editor_client, section)
    data["body"] = data["body"].replace("\n", "\r\n")  # as a browser posts a text area
    response = editor_client.post(change_url(section), data)
    assert response.status_code == 302
    latest = Section.history.filter(id=section.pk).latest("history_date")
    assert latest.history_change_reason == "No patient's summary changes"


@full_proof
def test_an_editor_cannot_break_a_principle_and_is_shown_answers_that_break_it(editor_client):
    rule = Rule.objects.get(key="weighing-risks-cautious")
    data = open_change(editor_client, rule)
    prefix = condition_prefix(data, "risk_tolerance")
    data[f"{prefix}-values"] = ["risk_tolerance:low"]  # drops "unsure": principle 7
    response = editor_client.post(change_url(rule), data)
    text = page(response)
    assert "This change was not saved" in text
    assert "principle 7" in text
    assert "Risk you would consider: I&#x27;m not sure" in text
    assert Condition.objects.get(rule=rule).values == ["low", "unsure"]


@full_proof
def test_switching_off_the_trials_rule_is_refused(editor_client):
    rule = Rule.objects.get(key="trials-everyone")
    data = open_change(editor_client, rule)
    del data["active"]
    response = editor_client.post(change_url(rule), data)
    assert "principle 8" in page(response)
    assert Rule.objects.get(key="trials-everyone").active


@pytest.mark.parametrize(
    ("edit", "field", "message"),
    [
        (
            {"question": "shoe_size", "values": ["shoe_size:9"]},
            "question",
            "rule 'weighing-risks-cautious': unknown question 'shoe_size'",
        ),
        (
            {"values": ["risk_tolerance:reckless"]},
            "values",
            "rule 'weighing-risks-cautious': unknown value 'reckless' for 'risk_tolerance'",
        ),
        (
            {"values": ["region:uk"]},
            "values",
            "\u201cuk\u201d is an answer to \u201cregion\u201d, not to \u201crisk_tolerance\u201d.",
        ),
    ],
)
def test_an_unknown_question_or_value_is_refused_beside_the_condition_that_names_it(
    editor_client, edit, field, message
):
    rule = Rule.objects.get(key="weighing-risks-cautious")
    data = open_change(editor_client, rule)
    prefix = condition_prefix(data, "risk_tolerance")
    for name, value in edit.items():
        data[f"{prefix}-{name}"] = value
    response = editor_client.post(change_url(rule), data)
    assert response.status_code == 200
    assert [m for _, m in field_errors(response)[(prefix, field)]] == [message]
    assert Condition.objects.get(rule=rule).values == ["low", "unsure"]


def test_two_conditions_on_one_question_are_refused(editor_client):
    rule = Rule.objects.get(key="weighing-risks-cautious")
    data = open_change(editor_client, rule)
    n = int(data["conditions-TOTAL_FORMS"])
    data.update(
        {
            "conditions-TOTAL_FORMS": str(n + 1),
            f"conditions-{n}-rule": str(rule.pk),
            f"conditions-{n}-question": "risk_tolerance",
            f"conditions-{n}-operator": "in",
            f"conditions-{n}-values": ["risk_tolerance:high"],
        }
    )
    response = editor_client.post(change_url(rule), data)
    assert response.status_code == 200
    assert "Please correct the duplicate data" in page(response)
    assert rule.conditions.count() == 1


def test_an_editor_cannot_name_an_unknown_or_mandatory_section(editor_client):
    rule = Rule.objects.get(key="weighing-risks-cautious")
    data = open_change(editor_client, rule)
    response = editor_client.post(change_url(rule), {**data, "section": "nope"})
    assert "Unknown section \u201cnope\u201d" in page(response)
    response = editor_client.post(change_url(rule), {**data, "section": "approved-protocols"})
    assert field_errors(response)[("", "section")] == [
        (
            "rule-on-mandatory",
            "rule 'weighing-risks-cautious': section 'approved-protocols' is always shown and "
            "takes no rules",
        )
    ]
    assert Rule.objects.get(pk=rule.pk).section.slug == "weighing-risks"


def test_a_new_rule_is_checked_and_saved(editor_client):
    url = reverse("admin:triage_rule_add")
    response = editor_client.get(url)
    assert response.status_code == 200
    data = form_data(response)
    data.update(
        {
            "key": "basics-for-lupus",
            "section": "msc-safety",
            "priority": "50",
            "active": "on",
            "conditions-0-question": "condition",
            "conditions-0-operator": "in",
            "conditions-0-values": ["condition:lupus"],
        }
    )
    response = editor_client.post(url, data)
    assert response.context["effect"].changed > 0
    assert confirm(editor_client, url, response).status_code == 302
    assert Rule.objects.get(key="basics-for-lupus").conditions.get().values == ["lupus"]


@full_proof
def test_deleting_a_rule_that_breaks_a_principle_is_refused(editor_client):
    rule = Rule.objects.get(key="trials-everyone")
    url = reverse("admin:triage_rule_delete", args=[rule.pk])
    response = editor_client.post(url, {"post": "yes"}, follow=True)
    assert "cannot be deleted" in page(response) and "principle 8" in page(response)
    assert Rule.objects.filter(key="trials-everyone").exists()


@full_proof
def test_deleting_a_rule_shows_the_effect_first(editor_client):
    rule = Rule.objects.get(key="basics-everyone")
    url = reverse("admin:triage_rule_delete", args=[rule.pk])
    assert editor_client.get(url).status_code == 200  # the plain question: nothing proved
    response = editor_client.post(url, {"post": "yes"})  # checked, and the effect shown
    assert response.context["effect"].changed == principles.space_size()  # shown to everyone
    assert "stem-cells-basics" in page(response) and "Confirm and delete" in page(response)
    assert Rule.objects.filter(key="basics-everyone").exists()
    assert confirm(editor_client, url, response).status_code == 302
    assert not Rule.objects.filter(key="basics-everyone").exists()
    assert Rule.history.filter(key="basics-everyone", history_type="-").exists()


def test_reverting_from_history_is_not_possible(editor_client):
    rule = Rule.objects.get(key="weighing-risks-cautious")
    data = open_change(editor_client, rule)
    data["description"] = "Changed once."
    editor_client.post(change_url(rule), data)
    record = Rule.history.filter(id=rule.pk).latest("history_date")
    url = reverse("admin:triage_rule_simple_history", args=[rule.pk, record.history_id])
    assert editor_client.get(url).status_code == 200
    assert editor_client.post(url, data).status_code == 403


# --- the tools around them --------------------------------------------------------------


def test_try_the_rules_shows_the_summary_the_rules_that_fired_and_why(editor_client):
    url = reverse("admin:triage_rule_try")
    answers = {**people.REFRACTORY_MS_HIGH_RISK, "crohns_fistula": "yes"}  # does not apply
    response = editor_client.get(url, answers)
    assert response.status_code == 200
    slugs = [c["slug"] for c in response.context["cards"]]
    # The answer that does not apply is dropped, as the questionnaire would skip it.
    patient = [s.slug for s in evaluate(people.REFRACTORY_MS_HIGH_RISK, load_ruleset())]
    assert slugs == patient
    assert "hsct-how-it-works" in slugs and "hsct-risks" in slugs
    text = page(response)
    assert "hsct-how-it-works-refractory-ms-ssc" in text
    assert "you told us your condition is" in text


def test_try_the_rules_asks_for_a_missing_answer(editor_client):
    answers = {k: v for k, v in people.TYPE1_DIABETES.items() if k != "region"}
    response = editor_client.get(reverse("admin:triage_rule_try"), answers)
    assert response.context["cards"] == []
    assert "Select where you live" in page(response)


def test_overdue_sections_are_flagged_in_the_list_and_on_the_admin_index(editor_client):
    Section.objects.filter(slug="msc-safety").update(next_review=datetime.date(2020, 1, 1))
    index = page(editor_client.get(reverse("admin:index")))
    assert "1 section overdue for review" in index
    assert "msc-safety" in index
    listing = editor_client.get(reverse("admin:triage_section_changelist"), {"review": "overdue"})
    assert [s.slug for s in listing.context["cl"].result_list] == ["msc-safety"]
    assert "Overdue" in page(listing)


@pytest.mark.parametrize(
    ("days", "state", "column"),
    [
        (-1, "overdue", "<strong>Overdue</strong>"),
        (0, "soon", "Due in 0 days"),
        (30, "soon", "Due in 30 days"),
        (31, "not_due", "Not due yet"),
    ],
)
def test_overdue_means_the_same_in_the_column_the_filter_the_admin_index_and_verify_rules(
    editor_client, days, state, column
):
    Section.objects.update(next_review=datetime.date.today() + datetime.timedelta(days=400))
    Section.objects.filter(slug="msc-safety").update(
        next_review=datetime.date.today() + datetime.timedelta(days=days)
    )
    changelist = reverse("admin:triage_section_changelist")
    filtered = {
        choice: [
            s.slug
            for s in editor_client.get(changelist, {"review": choice}).context["cl"].result_list
        ]
        for choice in ("overdue", "soon", "not_due")
    }
    assert "msc-safety" in filtered[state]
    assert sum("msc-safety" in slugs for slugs in filtered.values()) == 1
    listing = page(editor_client.get(changelist, {"q": "msc-safety"}))
    assert column in listing
    index = page(editor_client.get(reverse("admin:index")))
    out = io.StringIO()
    call_command("verify_rules", stdout=out)
    if state == "overdue":
        assert "1 section overdue for review" in index
        assert "Reviews overdue (1):\n  - msc-safety" in out.getvalue()
    else:
        assert "No section is overdue for review." in index
        assert "Reviews overdue: none." in out.getvalue()


def test_a_saved_summary_keeps_a_version_that_can_be_looked_up(editor_client):
    submission = submission_create(answers=people.LUPUS_UNSURE)
    record = RulesetVersion.objects.get(version=submission.ruleset_version)
    assert ruleset_from_objects(record.snapshot).version == submission.ruleset_version
    response = editor_client.get(reverse("admin:triage_rulesetversion_change", args=[record.pk]))
    assert response.status_code == 200
    assert "evidence-lupus" in page(response)
    assert record.version == load_ruleset().version


def test_an_admin_save_records_the_new_version_with_its_author(editor_client):
    rule = Rule.objects.get(key="weighing-risks-cautious")
    url = change_url(rule)
    data = open_change(editor_client, rule)
    data["priority"] = "5"  # shown earlier: the order of summaries changes
    confirm(editor_client, url, editor_client.post(url, data))
    record = RulesetVersion.objects.get(version=load_ruleset().version)
    assert record.recorded_by == "admin" and record.user.username == "edith"
