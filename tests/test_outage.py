"""When the database goes away for a moment, people get a friendly 503, never a traceback."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from tests import answers as people
from tests.journey import finish

pytestmark = pytest.mark.usefixtures("loaded_rules")


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_outage_gets_a_friendly_503(client, error):
    page = finish(client, people.TYPE1_DIABETES)
    path = page.request["PATH_INFO"]
    browser = Client(raise_request_exception=False)
    browser.cookies = client.cookies
    with mock.patch("triage.summary.views.Submission.objects.filter", side_effect=error("gone")):
        response = browser.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    text = response.content.decode()
    assert "briefly unavailable" in text
    assert "Traceback" not in text and "OperationalError" not in text
    # Once the database is back, the same summary opens again.
    assert browser.get(path).status_code == 200


def test_other_errors_stay_a_plain_500(client):
    browser = Client(raise_request_exception=False)
    with mock.patch("triage.journey.wizard.render", side_effect=ValueError("bug")):
        response = browser.get("/")
    assert response.status_code == 500
    assert "problem with the service" in response.content.decode()
