"""Delete summaries past their expiry date, and the cards API's request counts once they no
longer count. Safe to run as often as you like: run it daily."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from triage.models import ApiCall, Submission


class Command(BaseCommand):
    help = "Delete summaries whose expiry date has passed and print how many were removed."

    def handle(self, *args, **options):
        ApiCall.objects.filter(created__lt=timezone.now() - timedelta(days=1)).delete()
        _, per_model = Submission.objects.filter(expires_at__lte=timezone.now()).delete()
        removed = per_model.get(Submission._meta.label, 0)
        self.stdout.write(f"Removed {removed} expired summar{'y' if removed == 1 else 'ies'}.")
