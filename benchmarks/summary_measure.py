"""What the summary asks of a reader and a printer, for the named kinds of person.

    .venv/bin/python benchmarks/summary_measure.py [--port 8431]

It makes a throwaway SQLite database, migrates it, loads the shipped rules, stores one summary
per person, starts the development server on 127.0.0.1:PORT (DEBUG, so it serves the static
files) and opens each summary by its private link in Chromium at 375 x 667 px. For each person
it prints: the words before the key points, the key points and their words, reading time for
the key points at 200 words a minute, and how many A4 pages the appointment sheet and the full
summary print on. Words are counted as the browser tests count them (tests/browser/reading.py).
"longest" and "most-key-points" are the answer sets from tests/answers.extremes().
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS_PER_MINUTE = 200
PHONE = {"width": 375, "height": 667}


def people() -> dict[str, dict]:
    from tests import answers
    from triage.authoring.files import load_files

    extremes = answers.extremes(load_files(sorted((ROOT / "fixtures").glob("*.json"))))
    return {
        "refractory-ms-high-risk": answers.REFRACTORY_MS_HIGH_RISK,
        "crohns-fistula-low-risk": answers.CROHNS_FISTULA_LOW_RISK,
        "lupus-unsure": answers.LUPUS_UNSURE,
        "type1-diabetes": answers.TYPE1_DIABETES,
        "offered-treatment-abroad": answers.OFFERED_ABROAD,
        "other-condition": answers.OTHER_CONDITION,
        "systemic-sclerosis-refractory": answers.SYSTEMIC_SCLEROSIS_REFRACTORY,
        **extremes,
    }


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310  # nosec B310 (loopback)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server at {url} did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8431)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="summary-measure-"))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "triage.settings",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
    }
    os.environ.update(env)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=env)
    subprocess.run([*manage, "load_rules", "-v0"], check=True, env=env)

    import django

    django.setup()
    from pypdf import PdfReader

    from tests.browser.reading import KEY_POINTS, WORDS_BEFORE
    from triage.summary.services import submission_create

    everyone = people()
    tokens = {name: submission_create(answers=a).private_token for name, a in everyone.items()}
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(  # nosec B603 (our own manage.py)
        [*manage, "runserver", f"127.0.0.1:{args.port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(base + "/healthz")
        from playwright.sync_api import sync_playwright

        rows = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox"], headless=True
            )
            for name, token in tokens.items():
                context = browser.new_context(viewport=PHONE)
                page = context.new_page()
                page.goto(f"{base}/s/{token}/")
                before = page.evaluate(WORDS_BEFORE)
                points = page.evaluate(KEY_POINTS)
                words = sum(len(p["text"].split()) for p in points)
                page.emulate_media(media="print")
                full = len(PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
                page.goto(f"{base}/s/{token}/sheet/")
                page.emulate_media(media="print")
                sheet = len(PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
                rows.append(
                    (name, before, len(points), words, words / WORDS_PER_MINUTE, sheet, full)
                )
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)

    header = ("person", "words before", "key points", "words", "minutes", "sheet A4", "full A4")
    print(" | ".join(header))
    for name, before, count, words, minutes, sheet, full in rows:
        print(f"{name} | {before} | {count} | {words} | {minutes:.1f} | {sheet} | {full}")
    for name in ("longest", "most-key-points"):
        print(f"{name}: {everyone[name]}")


if __name__ == "__main__":
    main()
