import io

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from kennishub.accounts import selectors
from kennishub.accounts.demo import DEMO_NAME_PREFIX, load_demo
from kennishub.accounts.models import MunicipalityEmailDomain, User
from kennishub.core.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_demo_accounts_are_marked_and_loading_twice_changes_nothing():
    utrecht = MunicipalityFactory(name="Utrecht")
    out = io.StringIO()

    load_demo(out)
    load_demo(out)

    assert "DEMO" in out.getvalue() and "NOT for production" in out.getvalue()
    assert MunicipalityEmailDomain.objects.get(domain="utrecht.nl").municipality == utrecht
    demo = User.objects.filter(email__startswith="demo-")
    assert demo.count() == 5  # member, editor, knowledge broker, jury member, administrator
    assert all(user.full_name.startswith(DEMO_NAME_PREFIX) and user.profile.is_demo for user in demo)
    assert selectors.is_verified_member(User.objects.get(email="demo-lid@utrecht.nl"))
    editor = User.objects.get(email="demo-redacteur@kennishub.nl")
    assert selectors.requires_second_factor(editor)
    assert TOTPDevice.objects.filter(user=editor, confirmed=True).count() == 1
    assert "TOTP secret" in out.getvalue()
