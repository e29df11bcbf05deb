import pytest

from kennishub.accounts import services as account_services


@pytest.fixture(autouse=True)
def _role_groups(db):
    account_services.sync_roles()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run a service and its on_commit callbacks (the mail tasks), as a request would."""

    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)

    return run


@pytest.fixture
def organiser(db):
    from django.contrib.auth.models import Group

    from kennishub.accounts import roles

    from .factories import verified_member

    user = verified_member(email="organisator@kennishub.nl", full_name="Olga Organisator")
    user.groups.add(Group.objects.get(name=roles.ORGANISER))
    return user
