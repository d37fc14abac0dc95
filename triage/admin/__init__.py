"""The admin: sections and rules edited safely (``authoring``, with ``forms`` checking every
edit as a whole ruleset and ``views`` for "Try the rules"), the records kept for audit
(``records``), the change lists' ``filters`` and the comparison grid (``comparison``: options,
rows and cells) and the content ``translations``. Importing the package registers them all."""

from triage.admin import comparison, content, records, translations  # noqa: F401  (registers the model admins)
