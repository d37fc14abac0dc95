"""Delete what is kept no longer than the README's "What we store" says: summaries past their
expiry date, expired sessions, rate-limit counts whose window has ended, records of guessed
private links after a week, and django-axes' sign-in records after 30 days. Safe to run as
often as you like: run it daily."""

from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from triage.models import Lookup, RateCount, Submission
from triage.platform import throttle


class Command(BaseCommand):
    help = _(
        "Delete summaries whose expiry date has passed, expired sessions, old rate-limit counts, "
        "old records of guessed links and old sign-in records, and print how many summaries "
        "were removed (-v 2: everything removed)."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        removed: dict[str, int] = {}
        removed["rate-limit counts"] = RateCount.objects.filter(ends__lt=now).delete()[0]
        removed["guessed private links"] = Lookup.objects.filter(
            user__isnull=True, username="", created__lt=now - throttle.GUESS_RETENTION
        ).delete()[0]
        before = now - throttle.SIGN_IN_RECORD_RETENTION
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            removed[str(model._meta.verbose_name_plural)] = model.objects.filter(
                attempt_time__lt=before
            ).delete()[0]
        removed["expired sessions"] = self.clear_sessions()
        per_model = Submission.objects.filter(expires_at__lte=now).delete()[1]
        summaries = per_model.get(Submission._meta.label, 0)
        self.stdout.write(
            ngettext(
                "Removed %(count)d expired summary.",
                "Removed %(count)d expired summaries.",
                summaries,
            )
            % {"count": summaries}
        )
        if options["verbosity"] > 1:
            for what, count in removed.items():
                self.stdout.write(_("Removed %(count)d %(what)s.") % {"count": count, "what": what})

    def clear_sessions(self) -> int:
        """Sessions past their expiry date (signed-in staff and editors: nobody else has one)."""
        from django.contrib.sessions.models import Session

        count = Session.objects.filter(expire_date__lt=timezone.now()).count()
        import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
        return count
