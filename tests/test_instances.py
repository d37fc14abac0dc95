"""Two app instances (two gunicorn processes) on one PostgreSQL database behave as one: an
editor's change saved through the admin on one is what the other uses for the very next summary,
with no restart.

It needs PostgreSQL: the server of DATABASE_URL when that is PostgreSQL, otherwise, in CI
(CI=true), postgres://postgres@127.0.0.1:5432 (or TRIAGE_TEST_POSTGRES_URL), where it fails
rather than skips when the server does not answer. On SQLite-only runs outside CI it skips.
The instances listen on TRIAGE_TEST_PORT and the port after it (default 8691 and 8692).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from tests import answers as people
from tests import instances

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/triage"
PORT = int(os.environ.get("TRIAGE_TEST_PORT", "8691"))


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="module")
def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in {"postgres", "postgresql", "pgsql"}:
        if not in_ci():
            pytest.skip("two instances need PostgreSQL: set DATABASE_URL (or CI=true)")
        url = os.environ.get("TRIAGE_TEST_POSTGRES_URL", DEFAULT_URL)
    try:
        import psycopg

        psycopg.connect(url, dbname="postgres", connect_timeout=5).close()
    except Exception as exc:  # any failure to connect means the same: no server here
        message = f"PostgreSQL does not answer at {url}: {exc}"
        if in_ci():
            pytest.fail(f"CI=true but {message}", pytrace=False)
        pytest.skip(message)
    return url


@pytest.fixture(scope="module")
def two_instances(postgres_url):
    """A fresh database with the shipped rules and an editor, and two gunicorn processes on it
    (one worker each, so each keeps one cached ruleset we can catch out)."""
    name = f"test_{urlsplit(postgres_url).path.strip('/') or 'triage'}_instances"
    instances.create_database(postgres_url, name)
    url = urlsplit(postgres_url)._replace(path=f"/{name}").geturl()
    # DEBUG serves static files without collectstatic; everything else is production's.
    env = instances.server_env(url, DJANGO_DEBUG="true")
    instances.prepare(env, collectstatic=False)
    ports = [PORT, PORT + 1]
    processes = [instances.start_gunicorn(env, port, workers=1) for port in ports]
    try:
        for process, port in zip(processes, ports, strict=True):
            instances.wait_ready(process, port)
        yield ports
    finally:
        instances.stop(processes)
        instances.create_database(postgres_url, name)  # leave an empty database behind


def summary_on(client: instances.Client, port: int, path: str) -> str:
    status, _, page = client.request("GET", path, port=port)
    assert status == 200
    return page


def test_an_admin_save_on_one_instance_is_used_at_once_by_the_other(two_instances):
    a, b = two_instances
    marker = "Registered clinical trials, changed on instance A"

    before = instances.Client([b])  # instance B builds a summary: its ruleset is now cached
    path = instances.confirm(before, instances.answer_all(before, people.TYPE1_DIABETES))
    assert marker not in summary_on(before, b, path)

    patient = instances.Client([b])  # a patient on B reaches check answers...
    check_page = instances.answer_all(patient, people.TYPE1_DIABETES)

    editor = instances.Client([a])  # ...while an editor saves a change on A
    instances.sign_in(editor, a)
    instances.change_section(editor, a, "clinical-trials", title=marker)

    path = instances.confirm(patient, check_page)  # B's very next summary has it
    assert marker in summary_on(patient, b, path)

    # And a summary built on A, by a patient whose requests alternate between the two.
    both = instances.Client([a, b])
    path = instances.confirm(both, instances.answer_all(both, people.LUPUS_UNSURE))
    assert marker in summary_on(both, a, path)
    assert marker in summary_on(both, b, path)
