"""Load and fault benchmark: simulated patients run whole journeys against gunicorn on
PostgreSQL, on loopback only, bounded in time.

    .venv/bin/python benchmarks/load.py --patients 20 --seconds 30            # load
    .venv/bin/python benchmarks/load.py --patients 20 --seconds 30 --fault    # restart PostgreSQL mid-run

It creates a fresh database `triage_bench` on 127.0.0.1:5432 (user postgres), migrates it,
loads the rules, collects static files, starts gunicorn on 127.0.0.1:8765, runs the patients,
measures /healthz under the same load as the framework's floor, then checks that every
completed journey's summary still opens. Results are printed as a table.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from triage.engine import principles, questions  # noqa: E402

HOST, PORT = "127.0.0.1", 8765
DB_NAME = "triage_bench"
PREFIX = "questionnaire_wizard"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    journeys: int = 0
    summaries: list[tuple[dict[str, str], str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1


class Browser:
    """A minimal cookie-keeping HTTP client over one keep-alive connection."""

    def __init__(self, stats: Stats):
        self.cookies: dict[str, str] = {}
        self.stats = stats
        self.conn = http.client.HTTPConnection(HOST, PORT, timeout=30)

    def request(self, method: str, path: str, kind: str, body: dict | None = None):
        headers = {"Host": HOST, "Accept-Encoding": "gzip"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{PORT}{path}"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
            self.stats.record(kind, time.perf_counter() - started, 0)
            raise ConnectionError(str(exc)) from None
        self.stats.record(kind, time.perf_counter() - started, response.status)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location"), content

    def token(self, content: bytes) -> str:
        match = TOKEN.search(content.decode("utf-8", "replace"))
        return match.group(1) if match else ""


def run_patient(stats: Stats, stop: float, seed: int) -> None:
    rng = random.Random(seed)
    browser = Browser(stats)
    while time.perf_counter() < stop:
        try:
            answers = principles.random_answers(rng)
            browser.cookies.clear()
            browser.request("GET", "/", "start")
            status, _, page = browser.request("GET", "/questions/condition/", "question GET")
            ok = status == 200
            for q in questions.applicable(answers) if ok else []:
                body = {
                    "csrfmiddlewaretoken": browser.token(page),
                    f"{PREFIX}-current_step": q.key,
                    f"{q.key}-answer": answers[q.key],
                }
                status, location, page = browser.request(
                    "POST", f"/questions/{q.key}/", "question POST", body
                )
                if status != 302 or not location:
                    ok = False
                    break
                status, _, page = browser.request("GET", location, "question GET")
                if status != 200:  # e.g. a 503 while the database restarts: start again
                    ok = False
                    break
            if not ok:
                continue
            status, location, _ = browser.request(
                "POST",
                "/questions/check/",
                "confirm POST",
                {"csrfmiddlewaretoken": browser.token(page)},
            )
            if status != 302 or not location:
                continue
            status, _, _ = browser.request("GET", location, "summary GET")
            if status == 200:
                with stats.lock:
                    stats.journeys += 1
                    stats.summaries.append((dict(browser.cookies), location))
        except ConnectionError as exc:
            with stats.lock:
                stats.errors.append(str(exc))
            time.sleep(0.2)


def run_health(stats: Stats, stop: float) -> None:
    browser = Browser(stats)
    while time.perf_counter() < stop:
        try:
            browser.request("GET", "/healthz", "healthz")
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


def server_pids(master: int) -> list[int]:
    children = subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True, check=False
    ).stdout.split()
    return [master, *map(int, children)]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", HOST, "-U", "postgres", "-d", "postgres", "-qc", sql],
        check=True,
        capture_output=True,
    )


def cluster() -> list[str]:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return [version, "main"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--patients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--fault", action="store_true", help="restart PostgreSQL mid-run")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 300)  # bounded: never an open-ended load
    args.patients = min(args.patients, 200)

    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"postgres://postgres@{HOST}:5432/{DB_NAME}",
    }
    psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB_NAME}")
    python = str(ROOT / ".venv" / "bin" / "python")
    for command in (["migrate", "-v0"], ["load_rules"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "triage.wsgi",
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection(HOST, PORT, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        stats = Stats()
        stop = time.perf_counter() + args.seconds
        threads = [
            threading.Thread(target=run_patient, args=(stats, stop, i))
            for i in range(args.patients)
        ]
        threads.append(threading.Thread(target=run_health, args=(stats, stop)))
        started = time.perf_counter()
        pids = server_pids(server.pid)
        server_cpu = cpu_seconds(pids)
        client_cpu = time.process_time()
        for t in threads:
            t.start()
        if args.fault:
            time.sleep(args.seconds / 3)
            before = stats.journeys
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster(), "restart"], check=True
            )
            print(f"PostgreSQL restarted after {before} journeys")
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        server_cpu = cpu_seconds(server_pids(server.pid)) - server_cpu
        client_cpu = time.process_time() - client_cpu
        report(stats, elapsed, args)
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
        lost = check_nothing_lost(stats)
        print(
            f"summaries re-opened after the run: {len(stats.summaries) - lost}/{len(stats.summaries)}"
        )
        if lost:
            sys.exit(1)
    finally:
        server.terminate()
        server.wait(timeout=10)


def report(stats: Stats, elapsed: float, args) -> None:
    cores = os.cpu_count() or 1
    print(
        f"\n{args.patients} patients, {elapsed:.1f} s, {args.workers} gunicorn workers, "
        f"{cores} cores{', PostgreSQL restarted mid-run' if args.fault else ''}"
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
    print(f"status counts: {dict(sorted(stats.statuses.items()))}")
    print(f"connection errors: {len(stats.errors)}")


def check_nothing_lost(stats: Stats) -> int:
    lost = 0
    browser = Browser(Stats())
    for cookies, path in stats.summaries:
        browser.cookies = dict(cookies)
        status, _, _ = browser.request("GET", path, "recheck")
        if status != 200:
            lost += 1
    return lost


if __name__ == "__main__":
    main()
