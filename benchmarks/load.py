"""Load and fault benchmark: simulated patients run whole journeys against one or more
gunicorn instances on one PostgreSQL database, on loopback only, bounded in time.

    .venv/bin/python benchmarks/load.py --patients 8 --seconds 30 --workers 2            # load
    .venv/bin/python benchmarks/load.py --patients 8 --seconds 30 --instances 2 --edit   # scale-out
    .venv/bin/python benchmarks/load.py --patients 20 --seconds 30 --fault  # restart PostgreSQL
    .venv/bin/python benchmarks/load.py --patients 8 --seconds 30 --workers 2 --hammer 16  # editor

It creates a fresh database (--database, default triage_bench) on 127.0.0.1:5432 (user
postgres), migrates it, loads the rules, adds a content editor, collects static files and
starts --instances gunicorn instances on ports --port, --port+1, ... Each patient's requests go
to the instances in turn, as behind a round-robin load balancer, so consecutive requests of one
patient land on different instances. A thread asks /healthz throughout, as the framework's
floor under the same load. With --edit, an editor signs in to the admin of the first instance
and, a third of the way through, saves a change to a section through the admin's own form; every summary
built by a request that started after the save returned must carry the new ruleset version
(read from the database after the run); the run goes on for a third of --seconds after the
save returned. At the end every completed journey's summary is
opened again with that patient's cookies.

With --hammer N, one editor (signed in once) keeps N requests going at the same time for the
whole run, each the GET of a rule's delete page (the page that used to prove every principle),
and the editor's requests are reported apart from the patients'; compare the patients' median
with a run without --hammer. With --edit, the confirmed save (the last POST of the editor's
save) is timed on its own too.

--root runs the servers from another checkout (e.g. the code before a change), with this
load generator, for a side-by-side comparison.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import instances  # noqa: E402
from triage.engine import principles  # noqa: E402

HOST = instances.HOST
EDITED_SECTION = "clinical-trials"  # shown in every summary


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    per_port: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    journeys: int = 0
    # (cookies, summary path, confirm started, confirm returned)
    summaries: list[tuple[dict[str, str], str, float, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, status: int, port: int) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.per_port[port] = self.per_port.get(port, 0) + 1


def run_patient(stats: Stats, stop: list[float], seed: int, ports: list[int]) -> None:
    rng = random.Random(seed)
    client = instances.Client(ports, record=stats.record)
    client.turn = seed  # patients start on different instances
    while time.perf_counter() < stop[0]:
        try:
            answers = principles.random_answers(rng)
            client.cookies.clear()
            client.request("GET", "/", "start")
            check_page = instances.answer_all(client, answers)
            started = time.perf_counter()
            path = instances.confirm(client, check_page)
            returned = time.perf_counter()
            status, _, _ = client.request("GET", path, "summary GET")
            if status == 200:
                with stats.lock:
                    stats.journeys += 1
                    stats.summaries.append((dict(client.cookies), path, started, returned))
        except instances.JourneyFailed:  # e.g. a 503 while the database restarts: start again
            continue
        except ConnectionError as exc:
            with stats.lock:
                stats.errors.append(str(exc))
            time.sleep(0.2)


def run_hammer(client, port: int, path: str, stop: list[float], out: list[float]) -> None:
    """An editor's requests, one after another, until the run stops."""
    while time.perf_counter() < stop[0]:
        started = time.perf_counter()
        try:
            status, _, _ = client.request("GET", path, port=port)
        except ConnectionError:
            time.sleep(0.2)
            continue
        if status == 200:
            out.append(time.perf_counter() - started)


def rule_delete_path(client, port: int, key: str = "basics-everyone") -> str:
    import re

    _, _, listing = client.request("GET", f"/admin/triage/rule/?q={key}", port=port)
    match = re.search(r'href="/admin/triage/rule/(\d+)/change/', listing)
    if not match:
        raise RuntimeError(f"rule {key!r} not found in the admin")
    return f"/admin/triage/rule/{match.group(1)}/delete/"


def run_health(stats: Stats, stop: list[float], ports: list[int]) -> None:
    client = instances.Client(ports, record=stats.record)
    while time.perf_counter() < stop[0]:
        try:
            client.request("GET", "/healthz", "healthz")
        except ConnectionError as exc:
            with stats.lock:
                stats.errors.append(str(exc))
            time.sleep(0.2)


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of these processes so far, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def server_pids(masters: list[int]) -> list[int]:
    pids = []
    for master in masters:
        children = subprocess.run(
            ["pgrep", "-P", str(master)], capture_output=True, text=True, check=False
        ).stdout.split()
        pids += [master, *map(int, children)]
    return pids


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def psql(database: str, sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", HOST, "-U", "postgres", "-d", database, "-AtF,", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def cluster() -> list[str]:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return [version, "main"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--patients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--instances", type=int, default=1, help="gunicorn instances")
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="per instance"
    )
    parser.add_argument("--port", type=int, default=8765, help="first instance's port")
    parser.add_argument("--database", default="triage_bench", help="dropped and created")
    parser.add_argument("--edit", action="store_true", help="an editor saves a change mid-run")
    parser.add_argument("--fault", action="store_true", help="restart PostgreSQL mid-run")
    parser.add_argument(
        "--hammer", type=int, default=0, help="an editor's parallel GETs of a delete page"
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout the servers run")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 300)  # bounded: never an open-ended load
    args.patients = min(args.patients, 200)
    args.instances = max(1, min(args.instances, 8))
    root = args.root.resolve()

    env = instances.server_env(f"postgres://postgres@{HOST}:5432/{args.database}")
    instances.create_database(f"postgres://postgres@{HOST}:5432/postgres", args.database)
    instances.prepare(env, collectstatic=True, root=root)
    ports = [args.port + i for i in range(args.instances)]
    servers = [instances.start_gunicorn(env, port, args.workers, root=root) for port in ports]
    try:
        for server, port in zip(servers, ports, strict=True):
            instances.wait_ready(server, port)
        editor = None
        editor_times: list[float] = []
        if args.edit:
            editor = instances.Client(
                ports[:1], record=lambda kind, seconds, status, port: editor_times.append(seconds)
            )
            instances.sign_in(editor, ports[0])
        hammer_times: list[float] = []
        hammers = []
        if args.hammer:
            admin = instances.Client(ports[:1])
            instances.sign_in(admin, ports[0])
            path = rule_delete_path(admin, ports[0])
            for _ in range(min(args.hammer, 64)):
                client = instances.Client(ports[:1])
                client.cookies = dict(admin.cookies)
                hammers.append(client)
        stats = Stats()
        stop = [time.perf_counter() + args.seconds]  # a list: --edit may extend the run
        threads = [
            threading.Thread(target=run_patient, args=(stats, stop, i, ports))
            for i in range(args.patients)
        ]
        threads.append(threading.Thread(target=run_health, args=(stats, stop, ports)))
        threads += [
            threading.Thread(target=run_hammer, args=(c, ports[0], path, stop, hammer_times))
            for c in hammers
        ]
        started = time.perf_counter()
        masters = [s.pid for s in servers]
        server_cpu = cpu_seconds(server_pids(masters))
        client_cpu = time.process_time()
        for t in threads:
            t.start()
        save = None
        if args.fault:
            time.sleep(args.seconds / 3)
            before = stats.journeys
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster(), "restart"], check=True
            )
            print(f"PostgreSQL restarted after {before} journeys")
        if editor is not None:
            time.sleep(args.seconds / 3)
            stop[0] = float("inf")  # patients keep coming until the save has returned
            began = time.perf_counter()
            title = f"Registered clinical trials (edited at {time.strftime('%H:%M:%S')})"
            instances.change_section(editor, ports[0], EDITED_SECTION, title=title)
            save = (began, time.perf_counter())
            print(
                f"the editor's confirmed save (its last POST) took {editor_times[-1] * 1e3:.0f} ms"
            )
            # The admin checks every principle before saving, which can take long on a busy
            # machine: keep the patients going for a third of the run after the save returned.
            stop[0] = max(started + args.seconds, save[1] + args.seconds / 3)
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        server_cpu = cpu_seconds(server_pids(masters)) - server_cpu
        client_cpu = time.process_time() - client_cpu
        report(stats, elapsed, args)
        if hammer_times:
            print(
                f"editor's delete-page GETs ({len(hammers)} at a time): {len(hammer_times)}, "
                f"median {statistics.median(hammer_times) * 1e3:.0f} ms"
            )
        requests = sum(len(v) for k, v in stats.latencies.items() if k != "healthz")
        if stats.journeys:
            per_journey = server_cpu / stats.journeys
            print(
                f"CPU: server {server_cpu:.1f} s, load generator {client_cpu:.1f} s; "
                f"server CPU per journey {per_journey * 1e3:.1f} ms "
                f"({per_journey * 1e3 * stats.journeys / max(requests, 1):.2f} ms per request), "
                f"so one core serves about {1 / per_journey:.0f} journeys/s when the load "
                "generator runs elsewhere"
            )
        failed = False
        if save is not None:
            failed |= report_stale(stats, save, args.database)
        lost = check_nothing_lost(stats, ports)
        print(
            f"summaries re-opened after the run: {len(stats.summaries) - lost}/{len(stats.summaries)}"
        )
        if lost or failed or (not args.fault and (stats.errors or server_errors(stats))):
            sys.exit(1)
    finally:
        instances.stop(servers)


def report(stats: Stats, elapsed: float, args) -> None:
    cores = os.cpu_count() or 1
    print(
        f"\n{args.patients} patients, {elapsed:.1f} s, {args.instances} instance(s) x "
        f"{args.workers} gunicorn workers, {cores} cores"
        f"{', PostgreSQL restarted mid-run' if args.fault else ''}"
    )
    print(
        f"completed journeys: {stats.journeys} ({stats.journeys / elapsed:.1f}/s, "
        f"{stats.journeys / elapsed / cores:.1f}/s per core)"
    )
    print(f"{'request':<16}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    journey_kinds = [k for k in stats.latencies if k != "healthz"]
    everything = [v for k in journey_kinds for v in stats.latencies[k]]
    for kind in [*sorted(journey_kinds), "healthz"]:
        values = stats.latencies.get(kind, [])
        if values:
            print(
                f"{kind:<16}{len(values):>8}{percentile(values, 50) * 1e3:>9.1f}"
                f"{percentile(values, 95) * 1e3:>9.1f}{percentile(values, 99) * 1e3:>9.1f}"
            )
    if everything and stats.latencies.get("healthz"):
        ratio = statistics.median(everything) / statistics.median(stats.latencies["healthz"])
        print(
            f"{'all journey':<16}{len(everything):>8}{percentile(everything, 50) * 1e3:>9.1f}"
            f"{percentile(everything, 95) * 1e3:>9.1f}{percentile(everything, 99) * 1e3:>9.1f}"
        )
        print(f"journey request / healthz floor (median): {ratio:.2f}x")
    print(f"requests per instance (port: count): {dict(sorted(stats.per_port.items()))}")
    print(f"status counts: {dict(sorted(stats.statuses.items()))}")
    print(f"errors (connection failures and 5xx): {len(stats.errors) + server_errors(stats)}")


def server_errors(stats: Stats) -> int:
    return sum(n for status, n in stats.statuses.items() if status >= 500)


def report_stale(stats: Stats, save: tuple[float, float], database: str) -> bool:
    """How many summaries were built with the old rules by a request that started after the
    editor's save returned (target 0). Versions are read from the database."""
    began, returned = save
    versions = dict(
        line.split(",", 1)
        for line in psql(database, "SELECT id, ruleset_version FROM triage_submission").split()
    )
    old = {versions[p.split("/")[2]] for _, p, _, done in stats.summaries if done < began}
    after = [versions[p.split("/")[2]] for _, p, start, _ in stats.summaries if start > returned]
    stale = sum(v in old for v in after)
    print(
        f"editor's save through the admin took {(returned - began) * 1e3:.0f} ms; "
        f"summaries started after it returned: {len(after)}, built with the old ruleset: "
        f"{stale} (target 0); versions before: {sorted(old)}, after: {sorted(set(after))}"
    )
    return stale > 0 or not after


def check_nothing_lost(stats: Stats, ports: list[int]) -> int:
    lost = 0
    client = instances.Client(ports)
    for cookies, path, _, _ in stats.summaries:
        client.cookies = dict(cookies)
        status, _, _ = client.request("GET", path, "recheck")
        if status != 200:
            lost += 1
    return lost


if __name__ == "__main__":
    main()
