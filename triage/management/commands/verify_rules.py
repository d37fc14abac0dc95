"""Prove the principles over the whole answer space and report what can never happen."""

from __future__ import annotations

import datetime
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from triage import authoring
from triage.ruleset_files import load_files
from triage.selectors import load_ruleset

SHOW = 10  # violations printed in full; the rest are counted


class Command(BaseCommand):
    help = (
        "Check the rules and sections in the database (or in the given fixture FILEs) over "
        "every answer combination: exits non-zero if any principle breaks or any name is "
        "unknown, and reports rules that can never fire, sections no answer reaches and "
        "overdue reviews."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="*", help="fixture files to check instead of the database"
        )

    def handle(self, *args, files, **options):
        for name in files:
            if not Path(name).is_file():
                raise CommandError(f"{name}: no such file")
        started = time.perf_counter()
        ruleset = load_files([Path(f) for f in files]) if files else load_ruleset()
        where = ", ".join(files) if files else "the database"
        found = authoring.assess(ruleset, stop_after=0)  # every violation, not just the first
        out = self.stdout.write
        out(f"Ruleset {ruleset.version} from {where}.")
        report = found.report
        if report is None:  # names the proof cannot work with: say what they are, and stop
            for refusal in found.refusals:
                out(self.style.ERROR(f"[{refusal.code}] {refusal.message}"))
            raise CommandError(
                f"{len(found.refusals)} problem(s): this ruleset must not be used "
                "(the principles were not checked)"
            )
        cover = authoring.coverage(ruleset)
        elapsed = time.perf_counter() - started
        out(
            f"Checked {report.combinations:,} answer combinations ({report.classes:,} classes) "
            f"in {elapsed:.2f} s."
        )
        if found.refusals:
            out(self.style.ERROR(f"{len(found.refusals):,} principle violation(s):"))
            for refusal in found.refusals[:SHOW]:
                out(self.style.ERROR(f"  [{refusal.code}] {refusal.message}"))
            if len(found.refusals) > SHOW:
                out(f"  … and {len(found.refusals) - SHOW:,} more")
        else:
            out(self.style.SUCCESS("Every principle holds."))
        out(_listing("Rules that can never fire", cover.silent_rules))
        out(_listing("Sections no answer can reach", cover.unreachable_sections))
        today = datetime.date.today().isoformat()
        overdue = [
            f"{s.slug} (next review {s.next_review})"
            for s in sorted(ruleset.sections.values(), key=lambda s: s.next_review)
            if s.next_review and s.next_review < today
        ]
        out(_listing("Reviews overdue", overdue))
        if found.refusals:
            raise CommandError(
                f"{len(found.refusals):,} principle violation(s): this ruleset must not be used"
            )


def _listing(title: str, items: list[str]) -> str:
    if not items:
        return f"{title}: none."
    return f"{title} ({len(items)}):\n" + "\n".join(f"  - {item}" for item in items)
