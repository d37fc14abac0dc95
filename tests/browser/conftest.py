"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Without /usr/bin/chromium the tests skip with one reason, unless CI=true, where they fail:
CI must never pass by skipping them. See README, "Browser tests".
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from functools import cache
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from tests.browser.checks import ARTIFACTS, AXE, LFORMS, VNU, Recorder, in_ci
from triage.authoring.ruleset import clear_ruleset_cache
from triage.models import Section

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium phones Google at start-up and is refused in CI.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}

# Page weights measured by test_behaviour.py, printed at the end of the run.
WEIGHTS: dict[str, str] = {}


@cache
def missing_tools() -> str | None:
    """Why the browser tests cannot run here, or None when everything is installed."""
    if not CHROMIUM.exists():
        return (
            f"Chromium not found at {CHROMIUM}; install it with `apt-get install -y chromium` "
            "(see README, Browser tests)"
        )
    if not all(tool.exists() for tool in (AXE, VNU, LFORMS)):
        return (
            "axe-core, vnu-jar and lforms are not installed; run `npm ci --ignore-scripts` "
            "or `make test`"
        )
    if shutil.which("java") is None:
        return "Java is needed for the HTML checker; install it with `apt-get install -y default-jre-headless`"
    return None


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: the live server's transactional tests flush the database, and
    the other tests rely on the rules that tests/conftest.py loads once per session. The HTML
    check runs after every other browser test."""
    browser = [item for item in items if item.get_closest_marker("browser")]
    if browser:
        others = [item for item in items if not item.get_closest_marker("browser")]
        # The HTML check validates every page state the other browser tests captured.
        browser.sort(key=lambda item: item.name == "test_every_captured_page_is_valid_html")
        items[:] = others + browser


def pytest_runtest_setup(item):
    """Skip (or fail, in CI) from here rather than from a fixture, so pytest reports the
    skipped browser tests on one line with one reason."""
    reason = missing_tools() if item.get_closest_marker("browser") else None
    if reason:
        if in_ci():
            pytest.fail(f"CI=true but the browser tests cannot run: {reason}", pytrace=False)
        pytest.skip(reason)


def pytest_terminal_summary(terminalreporter):
    for name, line in WEIGHTS.items():
        terminalreporter.write_line(f"page weight, {name}: {line}")


@pytest.fixture(scope="session")
def browser():
    reason = missing_tools()
    if reason:
        if in_ci():
            pytest.fail(f"CI=true but the browser tests cannot run: {reason}", pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
    # thread with a running loop unless told that this is deliberate (tests only).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    for folder in ("screenshots", "html"):
        shutil.rmtree(ARTIFACTS / folder, ignore_errors=True)
        (ARTIFACTS / folder).mkdir(parents=True)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


# What load_rules wrote, kept after the first browser test loaded it: on SQLite a copy of the
# whole database, elsewhere the rows serialised.
_CONTENT: list[str] = []
_SNAPSHOT: list[sqlite3.Connection] = []


@pytest.fixture
def content(live_server, transactional_db):
    """The shipped rules and sections. The live server's tests are transactional: the database
    is flushed after each one. The first takes a copy of what tests/conftest.py loaded for the
    session (or runs load_rules when an earlier flush emptied it); each later one puts the copy
    back: on SQLite with its backup API in milliseconds (saving thirteen thousand rows one by
    one took about two seconds a test), elsewhere from the rows serialised."""
    if not (_SNAPSHOT or _CONTENT) and not Section.objects.exists():
        call_command("load_rules", verbosity=0)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        if _SNAPSHOT:
            _SNAPSHOT[0].backup(connection.connection)
        else:
            _SNAPSHOT.append(sqlite3.connect(":memory:", check_same_thread=False))
            connection.connection.backup(_SNAPSHOT[0])
        ContentType.objects.clear_cache()  # the copy's ids, not those the flush made
    elif _CONTENT:
        restore(_CONTENT[0])
    else:
        _CONTENT.append(serializers.serialize("json", content_rows()))
    clear_ruleset_cache()
    yield
    clear_ruleset_cache()


def content_models() -> list:
    """Every model of the app except what patients and staff create."""
    from triage.models import Lookup, Submission

    return [
        model
        for model in apps.get_app_config("triage").get_models()
        if model not in (Submission, Lookup)
    ]


def content_rows():
    for model in content_models():
        yield from model._default_manager.order_by("pk")


def restore(data: str) -> None:
    connection.creation.deserialize_db_from_string(data)
    statements = connection.ops.sequence_reset_sql(no_style(), content_models())
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@pytest.fixture
def new_context(browser, live_server, content):
    """Make browser contexts (fresh cookies and cache) that refuse to talk to other sites."""
    contexts = []
    origin = live_server.url.rstrip("/")
    foreign: list[str] = []

    def watch(request):
        if not request.url.startswith((origin + "/", "data:", "about:")):
            foreign.append(request.url)

    def make(**options):
        options = {"viewport": DESKTOP, "reduced_motion": "reduce", **options}
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        context.on("request", watch)
        contexts.append(context)
        return context

    make.foreign = foreign
    yield make
    for context in contexts:
        context.close()
    assert not foreign, f"the pages asked other sites for {foreign}"


@pytest.fixture
def recorder(new_context, live_server):
    """One page plus the checks every page state must pass (see checks.Recorder)."""
    context = new_context()
    page = context.new_page()
    recorder = Recorder(page, live_server.url)
    yield recorder
    recorder.close()
