"""Database sessions that update in one statement.

Django's database backend wraps every save in a transaction (BEGIN, UPDATE, COMMIT: three
round trips) to tell a failed create from a failed update. An update needs no transaction:
one UPDATE either changes the row or finds it gone. Creating a session still goes through
Django's own path. Each answer a patient gives saves the session, so this is on the hot path.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        if self.session_key is None or must_create:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session())
        updated = self.model._default_manager.filter(session_key=obj.session_key).update(
            session_data=obj.session_data, expire_date=obj.expire_date
        )
        if not updated:
            raise UpdateError  # the row was deleted meanwhile, as Django's backend reports
