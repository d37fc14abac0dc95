"""Write static/css/app.css: the Bootstrap rules our pages use, then site.css (triage.css_build)."""

from django.core.management.base import BaseCommand

from triage.platform import css_build


class Command(BaseCommand):
    help = "Build static/css/app.css from Bootstrap's CSS and static/css/site.css."

    def handle(self, *args, **options):
        css = css_build.build()
        css_build.OUTPUT.write_text(css, encoding="utf-8")
        self.stdout.write(
            f"Wrote {css_build.OUTPUT.relative_to(css_build.ROOT)}: {len(css):,} bytes."
        )
