"""Every process uses the current ruleset from its next summary: changes write a new token in
their own transaction, and a cached ruleset is used only while the token is unchanged."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from tests import answers as people
from tests.admin_posts import change_url, condition_prefix, confirm, open_change
from tests.journey import finish
from triage.authoring import ruleset as ruleset_state
from triage.models import Condition, Rule, RulesetState, Section

pytestmark = pytest.mark.usefixtures("loaded_rules")


def another_process_saves(slug: str, title: str) -> None:
    """What an editor's save on another server looks like from here: the row and the token
    change in the database, and no signal reaches this process."""
    with transaction.atomic():
        Section.objects.filter(slug=slug).update(title=title)  # .update() sends no signal
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE triage_rulesetstate SET token = %s WHERE id = 1", ["from-elsewhere"]
            )


def test_a_cached_ruleset_costs_one_query_while_nothing_changed(django_assert_num_queries):
    Section.objects.get(slug="clinical-trials").save()  # make sure the token row exists
    first = ruleset_state.active_ruleset()
    with django_assert_num_queries(1):
        assert ruleset_state.active_ruleset() is first


def test_a_change_made_by_another_process_is_used_by_the_next_call():
    Section.objects.get(slug="clinical-trials").save()
    before = ruleset_state.active_ruleset()
    another_process_saves("clinical-trials", "Trials, as changed elsewhere")
    after = ruleset_state.active_ruleset()
    assert after.version != before.version
    assert after.sections["clinical-trials"].title == "Trials, as changed elsewhere"


def test_saving_or_deleting_a_row_writes_a_new_token_in_the_same_transaction():
    tokens = []
    section = Section.objects.get(slug="clinical-trials")
    for change in (section.save, section.sources.first().delete):
        with transaction.atomic():
            change()
            tokens.append(RulesetState.objects.get().token)
    assert len(set(tokens)) == 2


def _save_rule():
    Rule.objects.get(key="weighing-risks-cautious").save()


def _delete_rule():
    Rule.objects.get(key="basics-everyone").delete()


def _add_rule():
    rule = Rule.objects.create(
        key="basics-for-lupus", section=Section.objects.get(slug="msc-safety"), priority=50
    )
    Condition.objects.create(rule=rule, question="condition", operator="in", values=["lupus"])


def _save_condition():
    condition = Condition.objects.get(rule__key="weighing-risks-cautious")
    condition.values = ["low", "moderate", "unsure"]
    condition.save()


def _delete_condition():
    Condition.objects.filter(rule__key="weighing-risks-cautious").get().delete()


@pytest.mark.parametrize(
    "change", [_save_rule, _delete_rule, _add_rule, _save_condition, _delete_condition]
)
def test_every_change_to_a_rule_or_its_conditions_tells_every_process(change):
    """Other server processes compare the token with the one their cached ruleset was built
    under: a rule or condition saved, added or deleted without a new token would go unseen."""
    Section.objects.get(slug="clinical-trials").save()
    token = ruleset_state.ruleset_token()
    with transaction.atomic():
        change()
    assert ruleset_state.ruleset_token() not in ("", token)


@pytest.mark.usefixtures("proof_over_the_people")
def test_a_condition_changed_in_the_admin_reaches_the_next_summary_in_every_process(
    editor_client,
):
    moderate = {**people.TYPE1_DIABETES, "risk_tolerance": "moderate"}
    first = finish(Client(), moderate).content.decode()
    assert 'id="weighing-risks"' not in first  # the ruleset is cached now
    token = ruleset_state.ruleset_token()

    rule = Rule.objects.get(key="weighing-risks-cautious")
    data = open_change(editor_client, rule)
    prefix = condition_prefix(data, "risk_tolerance")
    data[f"{prefix}-values"] = [*data[f"{prefix}-values"], "risk_tolerance:moderate"]
    url = change_url(rule)
    assert confirm(editor_client, url, editor_client.post(url, data)).status_code == 302

    assert ruleset_state.ruleset_token() != token  # what other processes look at
    assert 'id="weighing-risks"' in finish(Client(), moderate).content.decode()


@pytest.mark.usefixtures("proof_over_the_people")
def test_a_rule_deleted_in_the_admin_tells_every_process(editor_client):
    token = ruleset_state.ruleset_token()
    rule = Rule.objects.get(key="basics-everyone")
    url = reverse("admin:triage_rule_delete", args=[rule.pk])
    confirm(editor_client, url, editor_client.post(url, {"post": "yes"}))  # checked, confirmed
    assert not Rule.objects.filter(key="basics-everyone").exists()
    assert ruleset_state.ruleset_token() != token


def test_a_change_rolled_back_leaves_the_token_and_the_rules_alone():
    Section.objects.get(slug="clinical-trials").save()
    token = ruleset_state.ruleset_token()
    cached = ruleset_state.active_ruleset()
    with pytest.raises(RuntimeError), transaction.atomic():
        Section.objects.filter(slug="clinical-trials").update(title="Never saved")
        ruleset_state.ruleset_changed()
        ruleset_state.active_ruleset()  # sees its own uncommitted change...
        raise RuntimeError
    assert ruleset_state.ruleset_token() == token
    assert ruleset_state.active_ruleset().version == cached.version  # ...which is not kept


def test_load_rules_writes_a_new_token():
    Section.objects.get(slug="clinical-trials").save()
    token = ruleset_state.ruleset_token()
    call_command("load_rules", verbosity=0)
    assert ruleset_state.ruleset_token() != token


def test_an_emptied_state_table_still_gives_the_current_rules():
    RulesetState.objects.all().delete()  # as a test database flush does
    assert ruleset_state.ruleset_token() == ""
    assert ruleset_state.active_ruleset().version == ruleset_state.load_ruleset().version
