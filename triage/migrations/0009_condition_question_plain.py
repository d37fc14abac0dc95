"""A condition's question loses its model choices: the admin form checks it against the
questionnaire instead, so rewording a question's label no longer needs a migration."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0008_ruleset_state"),
    ]

    operations = [
        migrations.AlterField(
            model_name="condition",
            name="question",
            field=models.CharField(max_length=40),
        ),
        migrations.AlterField(
            model_name="historicalcondition",
            name="question",
            field=models.CharField(max_length=40),
        ),
    ]
