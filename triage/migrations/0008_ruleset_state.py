"""The one-row table that tells every server process when the rules and sections changed."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("triage", "0003_groups")]

    operations = [
        migrations.CreateModel(
            name="RulesetState",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(
                        default=1, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("token", models.CharField(max_length=32)),
                ("changed", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={"verbose_name": "ruleset state"},
        ),
    ]
