"""Every summary gets a private link token; stored summaries made before this get one too, so
the patient's link works for them as for new ones. Failed private-link openings are recorded
as lookups (outcome 'bad_link') and count towards the same limits."""

from django.db import migrations, models

from triage.summary.private_links import new_token


def give_tokens(apps, schema_editor):
    Submission = apps.get_model("triage", "Submission")
    for submission in Submission.objects.filter(private_token__isnull=True).only("pk"):
        submission.private_token = new_token()
        submission.save(update_fields=["private_token"])


class Migration(migrations.Migration):
    dependencies = [("triage", "0011_source_year")]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="private_token",
            field=models.CharField(max_length=64, null=True, editable=False),
        ),
        migrations.RunPython(give_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="submission",
            name="private_token",
            field=models.CharField(
                editable=False,
                help_text="The secret in the patient's private link (see private_links.py).",
                max_length=64,
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="lookup",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("found", "Found"),
                    ("mistyped", "Mistyped (check character wrong)"),
                    ("unknown", "No such code"),
                    ("expired", "Expired"),
                    ("deleted", "Deleted by the patient"),
                    ("limited", "Refused: too many lookups"),
                    ("bad_link", "Private link that was never issued"),
                    ("exported", "Downloaded as a FHIR QuestionnaireResponse"),
                ],
                max_length=10,
            ),
        ),
    ]
