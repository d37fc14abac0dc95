"""Rules-engine throughput: evaluations per second for the shipped rules and for generated
rule sets of 1,000 and 10,000 rules, and the time the exhaustive principle proof takes.

Run: .venv/bin/python benchmarks/engine.py   (no database, no server; about a minute)
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from triage.authoring.files import load_files  # noqa: E402
from triage.engine import principles, questions  # noqa: E402
from triage.engine.rules import Condition, Rule, RuleSet, evaluate  # noqa: E402
from triage.engine.slugs import MANDATORY  # noqa: E402


def generated(shipped: RuleSet, count: int, rng: random.Random) -> RuleSet:
    allowed = questions.rule_question_values()
    slugs = [s for s in shipped.sections if s not in MANDATORY]
    rules = list(shipped.rules)
    for i in range(count - len(rules)):
        keys = rng.sample(sorted(allowed), rng.randint(1, 3))
        conditions = tuple(
            Condition(
                k,
                rng.choice(["in", "in", "not_in"]),
                frozenset(rng.sample(allowed[k], rng.randint(1, max(1, len(allowed[k]) - 1)))),
            )
            for k in keys
        )
        rules.append(Rule(f"gen-{i}", rng.choice(slugs), conditions, rng.randint(1, 200)))
    return RuleSet.build(shipped.sections.values(), rules)


def per_second(ruleset: RuleSet, samples: list[dict], seconds: float = 3.0) -> tuple[float, float]:
    """Evaluations per second, and the median time of one evaluation in microseconds."""
    evaluate(samples[0], ruleset)  # build the compiled form once, as a server would
    runs = []
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        t0 = time.perf_counter()
        for answers in samples:
            evaluate(answers, ruleset)
        runs.append((time.perf_counter() - t0) / len(samples))
        done += len(samples)
    elapsed = time.perf_counter() - started
    return done / elapsed, statistics.median(runs) * 1e6


def main() -> None:
    rng = random.Random(2026)
    shipped = load_files(sorted((ROOT / "fixtures").glob("*.json")))
    samples = [principles.random_answers(rng) for _ in range(500)]
    print(f"{'rule set':<22}{'rules':>8}{'evals/s':>12}{'median µs':>12}")
    for name, ruleset in (
        ("shipped", shipped),
        ("generated 1,000", generated(shipped, 1_000, rng)),
        ("generated 10,000", generated(shipped, 10_000, rng)),
    ):
        rate, median = per_second(ruleset, samples)
        print(f"{name:<22}{len(ruleset.rules):>8}{rate:>12,.0f}{median:>12.1f}")
    started = time.perf_counter()
    report = principles.verify(shipped)
    elapsed = time.perf_counter() - started
    print(
        f"principle proof (verify_rules core): {report.combinations:,} combinations in "
        f"{report.classes:,} classes, {elapsed:.2f} s, {len(report.violations)} violations"
    )


if __name__ == "__main__":
    main()
