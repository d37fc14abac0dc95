"""What an editor waits for: the verdict on a ruleset (the checks, then the principles proved
over every answer class) and the effect of an edit (how many answer combinations would read
something else), as the admin, load_rules and verify_rules compute them, with Django's
translations installed as on the server. Each is measured cold (the first time a process
sees the texts) and warm (the texts measured before, as on an editor's second save).

Run: .venv/bin/python benchmarks/verdict.py   (no database, no server; under a minute)
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="triage.settings",
        DJANGO_SECRET_KEY="benchmark-only-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="localhost",
    )
    import django

    django.setup()


def timed(work, runs: int = 5) -> tuple[float, float]:
    """The first run's seconds and the median of the next `runs`."""
    started = time.perf_counter()
    work()
    first = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return first, statistics.median(times)


def main() -> None:
    setup()
    from triage.authoring import verdict
    from triage.authoring.files import load_files
    from triage.engine import principles

    shipped = load_files(sorted((ROOT / "fixtures").glob("*.json")))
    rows = [
        (
            "checks (names, advice, reading grades, grid, translations)",
            lambda: verdict.checked(shipped),
        ),
        ("principles proved over every answer class", lambda: principles.verify(shipped)),
        (
            "effect of an edit (every answer class, before and after)",
            lambda: verdict._effect(shipped, shipped, 3),
        ),
    ]
    print(f"{'what':<62}{'first s':>9}{'then s':>9}")
    for name, work in rows:
        first, then = timed(work)
        print(f"{name:<62}{first:>9.2f}{then:>9.2f}")


if __name__ == "__main__":
    main()
