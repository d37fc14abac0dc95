"""Where a journey request's time goes, in process: Django's full request path (every middleware,
the session in PostgreSQL) without gunicorn or the network.

    .venv/bin/python benchmarks/requests_profile.py --journeys 40            # medians per request kind
    .venv/bin/python benchmarks/requests_profile.py --journeys 40 --profile  # and cProfile's top functions

It needs the database that benchmarks/load.py prepares (--database, default triage_bench).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--journeys", type=int, default=40)
    parser.add_argument("--database", default="triage_bench")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    for name in [n for n in os.environ if n.startswith("DJANGO_")]:
        del os.environ[name]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="triage.settings",
        DJANGO_SECRET_KEY="profile-only-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from triage.engine import principles, questions

    # Test-client requests skip collectstatic's manifest check only if static files are plain.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    times: dict[str, list[float]] = {}

    def timed(kind, call, *a, **kw):
        started = time.perf_counter()
        response = call(*a, **kw)
        times.setdefault(kind, []).append(time.perf_counter() - started)
        return response

    client = Client(HTTP_ACCEPT_ENCODING="gzip")  # one handler, as in a gunicorn worker

    def journey(rng: random.Random) -> None:
        client.cookies.clear()
        answers = principles.random_answers(rng)
        timed("healthz", client.get, "/healthz")
        timed("start", client.get, "/")
        timed("question GET", client.get, "/questions/condition/")
        for q in questions.applicable(answers):
            data = {"questionnaire_wizard-current_step": q.key, f"{q.key}-answer": answers[q.key]}
            response = timed("question POST", client.post, f"/questions/{q.key}/", data)
            timed("question GET", client.get, response["Location"])
            timed("healthz", client.get, "/healthz")
        timed("check GET", client.get, "/questions/check/")
        response = timed("confirm POST", client.post, "/questions/check/")
        timed("summary GET", client.get, response["Location"])

    rng = random.Random(1)
    for _ in range(5):  # warm: imports, templates, the ruleset cache
        journey(rng)
    times.clear()
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    for _ in range(args.journeys):
        journey(rng)
    if profiler:
        profiler.disable()
    floor = statistics.median(times["healthz"])
    print(f"{'request':<16}{'count':>7}{'median ms':>11}{'x healthz':>11}")
    for kind, values in sorted(times.items()):
        median = statistics.median(values)
        print(f"{kind:<16}{len(values):>7}{median * 1e3:>11.2f}{median / floor:>11.2f}")
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(
            r"triage|django|formtools|axes|csp|whitenoise", 40
        )
        stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
