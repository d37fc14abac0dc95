"""The two roles, so a fresh install has them: 'Content editors' edit rules and sections (and
read their history and the ruleset versions); 'Clinic staff' read submissions and edit nothing.
The names come from triage.roles, where everything else reads them.
Going back leaves the groups in place: people may belong to them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from triage.platform.roles import CLINIC_STAFF as STAFF
from triage.platform.roles import EDITORS

EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("section", "source", "rule", "condition")
    for action in ("add", "change", "delete", "view")
] + [
    "view_historicalsection",
    "view_historicalsource",
    "view_historicalrule",
    "view_historicalcondition",
    "view_rulesetversion",
]
STAFF_PERMISSIONS = ["view_submission"]


def create_groups(apps, schema_editor):
    # Permissions are normally made after the last migration; make them now so they can be
    # given to the groups on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ((EDITORS, EDITOR_PERMISSIONS), (STAFF, STAFF_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="triage", codename__in=codenames
        )
        missing = set(codenames) - {p.codename for p in permissions}
        if missing:
            raise RuntimeError(f"permissions not found: {sorted(missing)}")
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("triage", "0002_history_and_versions"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
