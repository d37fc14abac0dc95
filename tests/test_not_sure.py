"""'I'm not sure' what an offer included: a second answer that stands alone, walked as a patient."""

import html
import re

import pytest

from tests import answers as people
from tests.journey import finish, post_answer, url
from triage.models import Submission

pytestmark = pytest.mark.usefixtures("loaded_rules")

UNSURE_OFFER = {**people.LUPUS_UNSURE, "offer_received": "yes", "offer_features": ["not_sure"]}


def reach_offer_features(client):
    before = {k: v for k, v in UNSURE_OFFER.items() if k not in ("offer_features", "region")}
    client.get(url("condition"))
    for key, value in before.items():
        assert post_answer(client, key, value).status_code == 302, key


def test_the_page_offers_it_after_none_of_these_with_one_or_before_both(client):
    reach_offer_features(client)
    page = client.get(url("offer_features")).content.decode()
    alone = re.findall(r'value="(\w+)"[^>]*data-exclusive', page)
    assert alone == ["none_of_these", "not_sure"]
    assert page.count('class="choices__divider"') == 1
    assert page.index("choices__divider") < page.index('value="none_of_these"')
    assert "I'm not sure" in html.unescape(page)


def test_it_cannot_be_combined_with_a_warning_sign(client):
    reach_offer_features(client)
    response = post_answer(client, "offer_features", ["pay_upfront", "not_sure"])
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Select 'I'm not sure' on its own, or select what the offer included" in page


def test_a_summary_is_made_for_it_and_names_no_warning_sign(client):
    page = finish(client, UNSURE_OFFER).content.decode()
    assert Submission.objects.get().answers["offer_features"] == ["not_sure"]
    assert "has at least one warning sign" not in page
    assert 'id="tourism-warning"' in page  # shown for the offer itself (principle 2)
