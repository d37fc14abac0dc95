"""People for tests: admins in the groups a fresh install creates (migration 0003_groups)."""

import factory
from django.contrib.auth.models import Group, User
from django.test import Client

from triage.clinic.views import STAFF_GROUP
from triage.platform.roles import CLINIC_STAFF, EDITORS


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True  # groups are added below, with no second save

    username = factory.Sequence(lambda n: f"person{n}")
    password = factory.django.Password("a long test password 1")
    is_staff = True

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if create and names:
            self.groups.add(*Group.objects.filter(name__in=names))


def editor(**kwargs) -> User:
    return UserFactory(groups=[EDITORS], **kwargs)


def clinic_staff(**kwargs) -> User:
    return UserFactory(groups=[CLINIC_STAFF], **kwargs)


def staff_client(username="nurse"):
    """A browser signed in as a member of clinic staff with no admin access."""
    user = User.objects.create_user(username, password="a long test password")
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    user.groups.add(group)
    browser = Client()
    browser.force_login(user)
    return browser
