"""/healthz: 200 when the database answers, 503 when it does not; never a session or cookie."""

from unittest import mock

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.test import Client


def assert_stateless(response):
    assert not response.cookies, "no cookie of any kind"
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.headers.get("Vary", "").lower()
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_200_with_a_small_json_body_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert len(response.content) < 100
    assert_stateless(response)


def test_healthz_answers_503_when_the_database_does_not(client, caplog):
    database = connections[DEFAULT_DB_ALIAS]
    with mock.patch.object(database, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable"}
    assert "connection refused" not in response.content.decode()
    assert "the database did not answer" in caplog.text
    assert_stateless(response)


@pytest.mark.django_db
def test_healthz_does_not_touch_a_visitors_session(admin_client):
    admin_client.get("/admin/")  # a signed-in editor: the one kind of visitor with a session
    session_key = admin_client.cookies["sessionid"].value
    response = admin_client.get("/healthz")
    assert response.status_code == 200
    assert_stateless(response)
    assert admin_client.cookies["sessionid"].value == session_key


@pytest.mark.django_db
def test_healthz_answers_head_but_not_post(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_load_balancers_may_probe_healthz_over_plain_http(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # a new client builds its middleware with the setting above
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
