import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from kennishub.accounts import roles, services
from kennishub.accounts.models import User

from .factories import UserFactory


@pytest.fixture(autouse=True)
def _role_groups(db):
    services.sync_roles()


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (mail tasks) as the real request cycle would."""

    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)

    return run


def token_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


@pytest.fixture
def administrator():
    """A beheerder with a confirmed authenticator app."""
    user = UserFactory(email="beheer@kennishub.nl", full_name="Bea Beheer")
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


def otp_login(client, user: User) -> None:
    """Log `user` in through the real login form and the second factor."""
    from .factories import PASSWORD

    client.post("/account/inloggen/", {"username": user.email, "password": PASSWORD})
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    response = client.post("/account/tweestapsverificatie/", {"token": token_for(device)})
    assert response.status_code == 302, response.content


def audit_actions(user: User) -> list[str]:
    return list(
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
        )
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )
