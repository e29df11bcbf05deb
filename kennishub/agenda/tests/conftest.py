import pytest
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from kennishub.accounts import roles, services
from kennishub.agenda import similarity

from .factories import VerifiedMemberFactory


@pytest.fixture(autouse=True)
def _roles_and_fresh_index(db):
    services.sync_roles()
    similarity.clear_cache()  # the index is per process; each test has its own rows
    yield
    similarity.clear_cache()


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (mail tasks) as the real request cycle would."""

    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)

    return run


def _with_role(role: str, **kwargs):
    user = VerifiedMemberFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def broker():
    return _with_role(roles.KNOWLEDGE_BROKER, full_name="Kim Kennismakelaar")


@pytest.fixture
def juror():
    return _with_role(roles.JURY_MEMBER, full_name="Jan Jurylid")


def login_with_second_factor(client, user) -> None:
    """Log in as staff who passed the second factor (the TOTP flow itself is tested in accounts)."""
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def broker_client(client, broker):
    login_with_second_factor(client, broker)
    return client
