import io

import pytest

from kennishub.accounts.demo import load_demo as load_demo_accounts
from kennishub.accounts.models import User
from kennishub.core.models import Organisation
from kennishub.core.tests.factories import MunicipalityFactory, OrganisationFactory
from kennishub.events.demo import load_demo
from kennishub.events.models import Registration

pytestmark = pytest.mark.django_db


def test_demo_member_is_registered_for_an_upcoming_session_open_to_them():
    MunicipalityFactory(name="Utrecht")
    OrganisationFactory(kind=Organisation.Kind.ACADEMY)
    load_demo_accounts(io.StringIO())
    out = io.StringIO()

    load_demo(out)
    load_demo(out)

    member = User.objects.get(email="demo-lid@utrecht.nl")
    upcoming = Registration.objects.filter(user=member, session__slug="demo-webinar-jeugdzorg")
    assert upcoming.count() == 1
    assert upcoming.get().status == Registration.Status.CONFIRMED
    assert "skipped" not in out.getvalue()
