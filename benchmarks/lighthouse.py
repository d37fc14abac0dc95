"""Lighthouse (mobile, performance) on the start page, a question, check answers and a summary,
served by gunicorn in production settings on PostgreSQL, on loopback only.

    .venv/bin/python benchmarks/lighthouse.py                        # scores, LCP, page weights
    .venv/bin/python benchmarks/lighthouse.py --screenshots shots/   # and PNGs at 375 and 1280 px

Lighthouse comes from benchmarks/package.json (installed here with `npm ci` on first use, never
in the root package.json) and drives Debian's Chromium (/usr/bin/chromium). It creates a fresh
database (--database), starts gunicorn on --port, walks a patient to each page over HTTP and
gives Lighthouse that patient's session cookie, so each page is the one a patient sees. Each
page is measured --runs times and the median run is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from tests import answers as people  # noqa: E402
from tests import instances  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
PATIENT = people.REFRACTORY_MS_HIGH_RISK  # a long summary


def install() -> None:
    if not LIGHTHOUSE.exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True
        )


def pages(port: int) -> dict[str, tuple[str, str]]:
    """Page name -> (path, session cookie) as a patient reaches them."""
    out = {"start": ("/", "")}
    checking = instances.Client([port])
    check_page = instances.answer_all(checking, PATIENT)
    done = instances.Client([port])
    summary = instances.confirm(done, instances.answer_all(done, PATIENT))

    def cookie(client):
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())

    # A question part-way through: the second one, with the first answered.
    second = instances.Client([port])
    _, _, page = second.request("GET", "/questions/condition/")
    second.request(
        "POST",
        "/questions/condition/",
        body={
            "csrfmiddlewaretoken": instances.token(page),
            f"{instances.PREFIX}-current_step": "condition",
            "condition-answer": PATIENT["condition"],
        },
    )
    out["question"] = ("/questions/activity/", cookie(second))
    out["check answers"] = ("/questions/check/", cookie(checking))
    out["summary"] = (summary, cookie(done))
    del check_page
    return out


def lighthouse(url: str, cookie: str, out: Path) -> dict:
    headers = json.dumps({"Cookie": cookie}) if cookie else None
    command = [
        str(LIGHTHOUSE),
        url,
        "--only-categories=performance",
        "--output=json",
        f"--output-path={out}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    if headers:
        command.append(f"--extra-headers={headers}")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    for attempt in range(3):  # on a busy machine Lighthouse now and then loses the trace
        if subprocess.run(command, env=env, check=False).returncode == 0:
            break
        if attempt == 2:
            raise RuntimeError(f"Lighthouse failed three times on {url}")
    report = json.loads(out.read_text())
    audits = report["audits"]
    items = audits["network-requests"]["details"]["items"]
    blocking = audits["render-blocking-insight"].get("details", {}).get("items", [])
    return {
        "score": round(report["categories"]["performance"]["score"] * 100),
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "fcp": audits["first-contentful-paint"]["numericValue"] / 1000,
        "bytes": audits["total-byte-weight"]["numericValue"],
        "html": sum(i["transferSize"] for i in items if i.get("resourceType") == "Document"),
        "css": sum(i["transferSize"] for i in items if i.get("resourceType") == "Stylesheet"),
        "stylesheets": sum(1 for i in items if i.get("resourceType") == "Stylesheet"),
        "blocking": len(blocking),
    }


def screenshots(port: int, found: dict[str, tuple[str, str]], folder: Path) -> None:
    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for width in (375, 1280):
            for name, (path, cookie) in found.items():
                context = browser.new_context(viewport={"width": width, "height": 800})
                if cookie:
                    context.set_extra_http_headers({"Cookie": cookie})
                page = context.new_page()
                page.goto(f"http://{instances.HOST}:{port}{path}")
                # The reference code and version differ on every run: masked, so two runs of
                # the same code give the same bytes and a changed pixel shows a real change.
                page.screenshot(
                    path=folder / f"{name.replace(' ', '-')}-{width}.png",
                    full_page=True,
                    mask=[page.locator(".summary-meta, .reference-box")],
                )
                context.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--database", default="triage_lighthouse", help="dropped and created")
    parser.add_argument(
        "--runs", type=int, default=3, help="per page, the median shown (0: screenshots only)"
    )
    parser.add_argument("--screenshots", type=Path, help="folder for PNGs at 375 and 1280 px")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout the server runs")
    parser.add_argument("--pages", nargs="*", help="only these (start, question, ...)")
    args = parser.parse_args()
    install()
    root = args.root.resolve()
    env = instances.server_env(f"postgres://postgres@{instances.HOST}:5432/{args.database}")
    instances.create_database(f"postgres://postgres@{instances.HOST}:5432/postgres", args.database)
    instances.prepare(env, collectstatic=True, root=root)
    server = instances.start_gunicorn(env, args.port, workers=2, root=root)
    try:
        instances.wait_ready(server, args.port)
        found = pages(args.port)
        if args.screenshots:
            screenshots(args.port, found, args.screenshots)
        print(
            f"{'page':<15}{'score':>6}{'LCP s':>7}{'FCP s':>7}{'total KB':>10}{'HTML KB':>9}"
            f"{'CSS KB':>8}{'sheets':>7}{'blocking':>9}"
        )
        with tempfile.TemporaryDirectory() as tmp:
            for name, (path, cookie) in found.items():
                if args.pages and name.split()[0] not in args.pages:
                    continue
                if args.runs < 1:
                    continue
                runs = [
                    lighthouse(
                        f"http://{instances.HOST}:{args.port}{path}", cookie, Path(tmp) / "r.json"
                    )
                    for _ in range(args.runs)
                ]
                lcp = statistics.median_low([r["lcp"] for r in runs])
                r = next(r for r in runs if r["lcp"] == lcp)
                print(
                    f"{name:<15}{r['score']:>6}{r['lcp']:>7.2f}{r['fcp']:>7.2f}"
                    f"{r['bytes'] / 1024:>10.1f}{r['html'] / 1024:>9.1f}{r['css'] / 1024:>8.1f}"
                    f"{r['stylesheets']:>7}{r['blocking']:>9}"
                )
    finally:
        instances.stop([server])


if __name__ == "__main__":
    main()
