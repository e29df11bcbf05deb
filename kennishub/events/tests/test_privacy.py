from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from kennishub.accounts import personal_data
from kennishub.core.tests.factories import AdministrativeRoleFactory, MunicipalityFactory
from kennishub.events import privacy, selectors, services
from kennishub.events.models import Evaluation, Registration

from .factories import RegistrationFactory, SessionFactory, verified_member

pytestmark = pytest.mark.django_db


@override_settings(KH_EVENTS_ANONYMISE_AFTER_MONTHS=3)
def test_personal_data_goes_after_the_retention_period_but_reach_stays(client, organiser):
    utrecht = MunicipalityFactory(name="Utrecht")
    old = SessionFactory(starts_at=timezone.now() - timedelta(days=100))
    recent = SessionFactory(starts_at=timezone.now() - timedelta(days=20))
    member = verified_member(municipality=utrecht)
    attended = RegistrationFactory(session=old, user=member, municipality=utrecht, role_kind="ambtelijk")
    services.check_in(registration=attended, actor=organiser)
    Evaluation.objects.create(session=old, registration=attended, score=5, comment="Goed")
    griffier = AdministrativeRoleFactory(name="Griffier")
    RegistrationFactory(
        session=old, municipality=utrecht, role_kind="bestuurlijk", administrative_role=griffier
    )
    kept = RegistrationFactory(session=recent)
    old_token = attended.token

    assert privacy.anonymise_past_sessions() == 2

    attended.refresh_from_db()
    assert (attended.name, attended.email, attended.user) == ("", "", None)
    assert attended.token != old_token and attended.anonymised_at is not None
    assert selectors.reach(old) == [
        {
            "municipality__name": "Utrecht",
            "role_kind": "ambtelijk",
            "administrative_role__name": None,
            "registered": 1,
            "attended": 1,
        },
        {
            "municipality__name": "Utrecht",
            "role_kind": "bestuurlijk",
            "administrative_role__name": "Griffier",
            "registered": 1,
            "attended": 0,
        },
    ]
    assert Evaluation.objects.get().registration is None  # the score stays, unlinked
    kept.refresh_from_db()
    assert kept.email  # recent session untouched
    assert privacy.anonymise_past_sessions() == 0
    client.force_login(organiser)
    reach_table = client.get(f"/kennissessies/{old.slug}/deelnemers/").text
    assert "bestuurders (Griffier)" in reach_table and "ambtenaren" in reach_table


def test_avg_export_and_erasure_of_a_member():
    member = verified_member(email="avg@example.org")
    coming = SessionFactory(capacity_physical=1)
    registration = services.register(session=coming, member=member)
    waiting = services.register(session=coming, member=verified_member())

    exported = personal_data.export_for(member)["event_registrations"]
    assert exported[0]["email"] == "avg@example.org"

    personal_data.erase_for(member)

    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED and registration.email == ""
    assert waiting.status == Registration.Status.OFFERED  # the freed seat went to the next person
