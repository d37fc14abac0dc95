"""The cost of a question page against /healthz, at equal concurrency, on gunicorn and
PostgreSQL, loopback only and bounded in time.

    .venv/bin/python benchmarks/request_cost.py --clients 4 --seconds 15 --rounds 2
    .venv/bin/python benchmarks/request_cost.py --root /tmp/before --port 8630 --database triage_cost_before

Phases alternate: for --seconds, --clients threads ask only /healthz (one query, no template);
then for --seconds the same number of threads walk the questionnaire (a question page's POST
of an answer and the GET of the next question, again and again; no summary is saved). With
the server saturated by the same number of clients, throughput is the inverse of the cost of
a request, so `healthz requests/s ÷ question requests/s` is what a question request costs in
/healthz requests. Medians are printed too. --root runs the server from another checkout
(the code before a change) with this same load generator.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import cpu_seconds, server_pids  # noqa: E402
from tests import instances  # noqa: E402
from triage.engine import principles  # noqa: E402


def healthz_loop(port: int, stop: float, out: list[float]) -> None:
    client = instances.Client([port])
    while time.perf_counter() < stop:
        started = time.perf_counter()
        status, _, _ = client.request("GET", "/healthz")
        if status == 200:
            out.append(time.perf_counter() - started)


def question_loop(port: int, stop: float, out: list[float], seed: int) -> None:
    rng = random.Random(seed)
    client = instances.Client([port], record=lambda kind, s, status, _: out.append(s))
    while time.perf_counter() < stop:
        client.cookies.clear()
        try:
            instances.answer_all(client, principles.random_answers(rng))
        except instances.JourneyFailed as exc:
            print("journey failed:", exc)
            time.sleep(0.2)


def phase(
    kind: str, port: int, clients: int, seconds: float, master: int
) -> tuple[int, float, float, float]:
    """Requests served, requests per second, the median, and the server's CPU time per
    request (gunicorn's master and workers, from /proc), for one phase."""
    stop = time.perf_counter() + seconds
    results: list[list[float]] = [[] for _ in range(clients)]
    threads = [
        threading.Thread(
            target=healthz_loop if kind == "healthz" else question_loop,
            args=(port, stop, results[i]) if kind == "healthz" else (port, stop, results[i], i),
        )
        for i in range(clients)
    ]
    pids = server_pids([master])
    cpu = cpu_seconds(pids)
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds(pids) - cpu
    latencies = [s for r in results for s in r]
    served = len(latencies)
    return served, served / elapsed, statistics.median(latencies), cpu / max(served, 1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8620)
    parser.add_argument("--database", default="triage_cost", help="dropped and created")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout the server runs")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 120)  # bounded
    args.rounds = max(1, min(args.rounds, 5))
    args.clients = max(1, min(args.clients, 32))
    root = args.root.resolve()
    host = instances.HOST
    env = instances.server_env(f"postgres://postgres@{host}:5432/{args.database}")
    instances.create_database(f"postgres://postgres@{host}:5432/postgres", args.database)
    instances.prepare(env, collectstatic=True, root=root)
    server = instances.start_gunicorn(env, args.port, args.workers, root=root)
    try:
        instances.wait_ready(server, args.port)
        phase("question", args.port, args.clients, 3, server.pid)  # warm: imports, templates
        totals: dict[str, list[tuple[int, float, float, float]]] = {"healthz": [], "question": []}
        for _ in range(args.rounds):
            for kind in ("healthz", "question"):
                totals[kind].append(phase(kind, args.port, args.clients, args.seconds, server.pid))
        print(f"\n{root}: {args.clients} clients, {args.workers} workers, {args.rounds} rounds")
        print(f"{'requests':<10}{'served':>8}{'per s':>9}{'median ms':>11}{'server CPU ms':>15}")
        for kind, rows in totals.items():
            served = sum(r[0] for r in rows)
            rate = statistics.mean(r[1] for r in rows)
            median = statistics.median(r[2] for r in rows)
            cpu = statistics.mean(r[3] for r in rows)
            print(f"{kind:<10}{served:>8}{rate:>9.1f}{median * 1e3:>11.1f}{cpu * 1e3:>15.2f}")
        ratios = {
            "throughput": statistics.mean(r[1] for r in totals["healthz"])
            / statistics.mean(r[1] for r in totals["question"]),
            "medians": statistics.median(
                q[2] / h[2] for h, q in zip(totals["healthz"], totals["question"], strict=True)
            ),
            "server CPU": statistics.mean(r[3] for r in totals["question"])
            / statistics.mean(r[3] for r in totals["healthz"]),
        }
        print(
            "a question request costs "
            + ", ".join(f"{value:.2f}x /healthz by {name}" for name, value in ratios.items())
        )
    finally:
        instances.stop([server])


if __name__ == "__main__":
    main()
