"""Delete summaries past their expiry date. Safe to run as often as you like: run it daily."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from triage.models import Submission


class Command(BaseCommand):
    help = "Delete summaries whose expiry date has passed and print how many were removed."

    def handle(self, *args, **options):
        _, per_model = Submission.objects.filter(expires_at__lte=timezone.now()).delete()
        removed = per_model.get(Submission._meta.label, 0)
        self.stdout.write(f"Removed {removed} expired summar{'y' if removed == 1 else 'ies'}.")
