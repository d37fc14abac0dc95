"""Every process uses the current ruleset from its next summary: changes write a new token in
their own transaction, and a cached ruleset is used only while the token is unchanged."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from triage.authoring import ruleset as ruleset_state
from triage.models import RulesetState, Section

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
