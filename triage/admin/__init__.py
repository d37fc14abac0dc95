"""The admin: sections and rules edited safely (``authoring``, with ``forms`` checking every
edit as a whole ruleset and ``views`` for "Try the rules"), the records kept for audit
(``records``) and the change lists' ``filters``. Importing the package registers them all."""

from triage.admin import content, records  # noqa: F401  (registers the model admins)
