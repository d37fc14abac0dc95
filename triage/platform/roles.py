"""The two roles, named once: migration 0003 creates the groups, the staff pages let in only
clinic staff, and the tests make people in them. Renaming one means a data migration too."""

EDITORS = "Content editors"  # edit rules and sections; read their history and versions
CLINIC_STAFF = "Clinic staff"  # look up and print summaries; edit nothing
