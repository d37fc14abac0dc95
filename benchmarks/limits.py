"""Do rate limits hold under parallel requests? gunicorn with 4 workers x 4 threads on
PostgreSQL, 100 requests released together, loopback only.

    .venv/bin/python benchmarks/limits.py
    .venv/bin/python benchmarks/limits.py --root /tmp/before --port 8660 --database triage_limits_before

For the cards API (a limit of 60 a minute per address) and for made-up private links (60 in
ten minutes per address), it prints how many of the 100 were let through: exactly the limit
means the count is atomic. Each kind runs at the start of a fresh minute, so both fall in one
window of every limit.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import answers as people  # noqa: E402
from tests import instances  # noqa: E402

PARALLEL = 100


def burst(port: int, method: str, path: str, body: bytes | None) -> dict[int, int]:
    start = threading.Barrier(PARALLEL)
    statuses: list[int] = []
    lock = threading.Lock()

    def one() -> None:
        conn = http.client.HTTPConnection(instances.HOST, port, timeout=60)
        headers = {"Host": instances.HOST, "Content-Type": "application/json"}
        start.wait()
        conn.request(method, path, body=body, headers=headers)
        status = conn.getresponse().status
        with lock:
            statuses.append(status)
        conn.close()

    threads = [threading.Thread(target=one) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {status: statuses.count(status) for status in sorted(set(statuses))}


def at_a_fresh_minute() -> None:
    time.sleep(60 - time.time() % 60 + 0.2)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8650)
    parser.add_argument("--database", default="triage_limits", help="dropped and created")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout the server runs")
    args = parser.parse_args()
    root = args.root.resolve()
    host = instances.HOST
    env = instances.server_env(
        f"postgres://postgres@{host}:5432/{args.database}",
        GUNICORN_CMD_ARGS="--worker-class gthread --threads 4",
    )
    instances.create_database(f"postgres://postgres@{host}:5432/postgres", args.database)
    instances.prepare(env, collectstatic=True, root=root)
    server = instances.start_gunicorn(env, args.port, workers=4, root=root)
    try:
        instances.wait_ready(server, args.port)
        document = json.dumps(people.TYPE1_DIABETES).encode()
        at_a_fresh_minute()
        cards = burst(args.port, "POST", "/api/cards", document)
        at_a_fresh_minute()
        guesses = burst(args.port, "GET", "/s/" + "x" * 32 + "/", None)
        print(f"\n{root}: 4 workers x 4 threads, {PARALLEL} requests at once")
        print(f"POST /api/cards (limit 60): {cards}; through: {cards.get(200, 0)}")
        print(f"GET /s/<guess>/ (limit 60): {guesses}; through: {guesses.get(404, 0)}")
    finally:
        instances.stop([server])


if __name__ == "__main__":
    main()
