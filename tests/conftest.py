import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from tests import answers as people
from tests.factories import editor
from tests.fixture_rows import FIXTURES
from tests.stats import STATS
from triage.authoring.files import load_files
from triage.authoring.ruleset import clear_ruleset_cache
from triage.engine import principles


@pytest.fixture(scope="session")
def shipped_ruleset():
    """The shipped rules and sections, read from fixtures/ without a database."""
    return load_files(FIXTURES)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the shipped rules and sections once, with load_rules, into the test database."""
    with django_db_blocker.unblock():
        call_command("load_rules", verbosity=0)


@pytest.fixture(autouse=True)
def english_first():
    """Each test starts in English: a request to a Spanish address leaves Spanish active in
    this thread (LocaleMiddleware activates per request), and reverse() would follow it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# The start of a window of every rate limit (1, 10 and 15 minutes all divide it).
WINDOW_START = 1_800_000_000.0


@pytest.fixture(autouse=True)
def rate_windows_hold_still(monkeypatch):
    """Rate limits count in fixed windows (triage/platform/throttle.py). Their clock is pinned
    to the start of one, so a test that counts up to a limit never straddles two windows; a
    test moves it on with monkeypatch to see a window end."""
    from triage.platform import throttle

    monkeypatch.setattr(throttle, "_now", lambda: WINDOW_START)


@pytest.fixture(autouse=True)
def verdicts_start_afresh():
    """The admin keeps each verdict and effect by ruleset fingerprint for the life of the
    process; tests change how the proof runs (fewer answer classes), so each starts afresh."""
    from triage.authoring import verdict

    verdict.forget()
    yield
    verdict.forget()


@pytest.fixture
def loaded_rules(db):
    """The shipped rules and sections, as `make run` loads them (each test rolls back)."""
    clear_ruleset_cache()
    yield
    clear_ruleset_cache()


@pytest.fixture
def proof_over_the_people(request, monkeypatch):
    """Unless a test is marked full_proof: an admin save's principles proof and effect count
    cover the named people (each counted once) instead of every class of the answer space,
    which test_principles.py proves."""
    if request.node.get_closest_marker("full_proof") is None:
        named = [getattr(people, name) for name in dir(people) if name.isupper()]
        monkeypatch.setattr(
            principles, "answer_classes", lambda ruleset: ((dict(a), 1) for a in named)
        )


@pytest.fixture
def editor_client(client):
    """A browser signed in as an editor (edith), for tests that edit in the admin."""
    client.force_login(editor(username="edith"))
    return client


def pytest_sessionfinish(session):
    """Under pytest-xdist a worker hands the numbers it measured to the main process."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["stats"] = dict(STATS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    STATS.update(getattr(node, "workeroutput", {}).get("stats", {}))


def pytest_terminal_summary(terminalreporter):
    for name, line in STATS.items():
        terminalreporter.write_line(f"{name}: {line}")


@pytest.fixture(autouse=True)
def spanish_offered_without_asking(monkeypatch):
    """The switcher asks the database, at most once a minute, whether Spanish may be offered;
    tests that render pages without a database take the shipped answer (yes), and the test of
    the switcher itself asks afresh."""
    from triage.summary import context_processors

    monkeypatch.setattr(context_processors, "_offered", {"until": float("inf"), "value": True})
