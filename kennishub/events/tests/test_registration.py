from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import ModelLogEntry

from kennishub.core.tests.factories import MunicipalityFactory
from kennishub.events import exceptions, services
from kennishub.events.models import Registration, Session
from kennishub.events.services import Colleague

from .factories import RegistrationFactory, SessionFactory, verified_member

pytestmark = pytest.mark.django_db


def test_member_gets_a_seat_a_mail_with_cancel_link_qr_and_ics_and_an_audit_entry(on_commit):
    session = SessionFactory(capacity_physical=2)
    member = verified_member(email="anna@example.org")

    registration = on_commit(services.register, session=session, member=member)

    assert registration.status == Registration.Status.CONFIRMED
    assert registration.municipality == member.profile.municipality
    [message] = mail.outbox
    assert message.to == ["anna@example.org"]
    assert registration.cancel_url() in message.body
    assert {name for name, _content, _type in message.attachments} == {
        "kennissessie.ics",
        "toegangsbewijs.png",
    }
    assert ModelLogEntry.objects.filter(action="events.registration.created").count() == 1


def test_full_session_puts_member_on_waiting_list(on_commit):
    session = SessionFactory(capacity_physical=1)
    RegistrationFactory(session=session)

    registration = on_commit(services.register, session=session, member=verified_member())

    assert registration.status == Registration.Status.WAITING
    assert registration.waiting_since is not None
    assert "wachtlijst" in mail.outbox[0].body


def test_registering_twice_is_refused():
    session = SessionFactory()
    member = verified_member()
    services.register(session=session, member=member)
    with pytest.raises(exceptions.AlreadyRegistered):
        services.register(session=session, member=member)
    assert session.registrations.count() == 1


def test_registration_outside_the_window_is_refused():
    session = SessionFactory(registration_opens_at=timezone.now() + timedelta(days=1))
    with pytest.raises(exceptions.RegistrationClosed):
        services.register(session=session, member=verified_member())
    draft = SessionFactory(status=Session.Status.DRAFT)
    with pytest.raises(exceptions.RegistrationClosed):
        services.register(session=draft, member=verified_member())


def test_maximum_per_municipality_spreads_the_seats():
    session = SessionFactory(capacity_physical=10, max_per_municipality=1)
    utrecht = MunicipalityFactory(name="Utrecht")
    services.register(session=session, member=verified_member(municipality=utrecht))
    with pytest.raises(exceptions.MunicipalityLimitReached) as error:
        services.register(session=session, member=verified_member(municipality=utrecht))
    assert "Utrecht" in error.value.message
    services.register(session=session, member=verified_member())  # another municipality still fits


def test_hybrid_session_counts_seats_per_mode():
    session = SessionFactory(format=Session.Format.HYBRID, capacity_physical=1, capacity_online=5)
    services.register(session=session, member=verified_member(), mode="fysiek")
    second = services.register(session=session, member=verified_member(), mode="fysiek")
    online = services.register(session=session, member=verified_member(), mode="online")
    assert second.status == Registration.Status.WAITING
    assert online.status == Registration.Status.CONFIRMED
    with pytest.raises(exceptions.ModeNotAvailable):
        services.register(session=SessionFactory(), member=verified_member(), mode="online")


def test_team_gets_seats_together_and_each_member_their_own_mail(on_commit):
    session = SessionFactory(capacity_physical=5)
    registrant = verified_member(email="lead@example.org")
    colleagues = [Colleague("Bert", "bert@example.org"), Colleague("Carla", "carla@example.org")]

    registrations = on_commit(
        services.register_team, session=session, registrant=registrant, colleagues=colleagues
    )

    assert [r.status for r in registrations] == [Registration.Status.CONFIRMED] * 3
    assert len({r.team_id for r in registrations}) == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bert@example.org",
        "carla@example.org",
        "lead@example.org",
    ]
    assert len({r.token for r in registrations}) == 3  # each their own cancel link


def test_team_that_does_not_fit_waits_as_a_whole():
    session = SessionFactory(capacity_physical=2)
    registrations = services.register_team(
        session=session,
        registrant=verified_member(),
        colleagues=[Colleague("B", "b@example.org"), Colleague("C", "c@example.org")],
    )
    assert {r.status for r in registrations} == {Registration.Status.WAITING}
    assert session.seats_left("fysiek") == 2


def test_team_member_of_another_municipality_is_refused():
    session = SessionFactory()
    other = verified_member(email="andere@example.org")
    with pytest.raises(exceptions.NotSameMunicipality):
        services.register_team(
            session=session, registrant=verified_member(), colleagues=[Colleague("Ander", other.email)]
        )
    assert session.registrations.count() == 0


def test_guest_registers_only_when_the_organiser_allows_it():
    municipality = MunicipalityFactory()
    closed = SessionFactory(allow_guests=False)
    with pytest.raises(exceptions.GuestsNotAllowed):
        services.register_guest(
            session=closed,
            name="Gast",
            email="gast@example.org",
            municipality=municipality,
            role_kind="ambtelijk",
        )
    open_session = SessionFactory(allow_guests=True)
    registration = services.register_guest(
        session=open_session,
        name="Gast",
        email="Gast@Example.org",
        municipality=municipality,
        role_kind="ambtelijk",
    )
    assert registration.is_guest and registration.email == "gast@example.org"
    assert registration.status == Registration.Status.CONFIRMED


def test_cancelling_offers_the_seat_to_the_next_with_a_deadline(on_commit):
    session = SessionFactory(capacity_physical=1, offer_hours=48)
    taken = RegistrationFactory(session=session)
    waiting = services.register(session=session, member=verified_member(email="next@example.org"))
    mail.outbox.clear()

    on_commit(services.cancel_registration, registration=taken)

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.OFFERED
    assert abs(waiting.offer_expires_at - (timezone.now() + timedelta(hours=48))) < timedelta(minutes=1)
    offer = next(m for m in mail.outbox if m.to == ["next@example.org"])
    assert waiting.cancel_url() in offer.body
    assert session.seats_left("fysiek") == 0  # the offered seat is held

    services.accept_offer(registration=waiting)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


def test_offer_not_accepted_in_time_goes_to_the_next(on_commit):
    session = SessionFactory(capacity_physical=1, offer_hours=1)
    taken = RegistrationFactory(session=session)
    first = services.register(session=session, member=verified_member())
    second = services.register(session=session, member=verified_member())
    services.cancel_registration(registration=taken)

    lapsed = services.expire_offers(now=timezone.now() + timedelta(hours=2))

    assert lapsed == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.LAPSED
    assert second.status == Registration.Status.OFFERED


def test_accepting_too_late_lapses_the_offer_and_says_so():
    session = SessionFactory(capacity_physical=1)
    taken = RegistrationFactory(session=session)
    late = services.register(session=session, member=verified_member())
    behind = services.register(session=session, member=verified_member())
    services.cancel_registration(registration=taken)
    Registration.objects.filter(pk=late.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(exceptions.OfferExpired):
        services.accept_offer(registration=late)

    late.refresh_from_db()
    behind.refresh_from_db()
    assert late.status == Registration.Status.LAPSED  # committed although the call raised
    assert behind.status == Registration.Status.OFFERED


def test_waiting_list_order_is_priority_then_joining_time_then_id_never_modification():
    session = SessionFactory(capacity_physical=1)
    RegistrationFactory(session=session)
    now = timezone.now()
    early = RegistrationFactory(
        session=session, status=Registration.Status.WAITING, waiting_since=now - timedelta(hours=2)
    )
    late = RegistrationFactory(session=session, status=Registration.Status.WAITING, waiting_since=now)
    same_time = RegistrationFactory(session=session, status=Registration.Status.WAITING, waiting_since=now)
    urgent = RegistrationFactory(
        session=session,
        status=Registration.Status.WAITING,
        waiting_since=now + timedelta(hours=1),
        priority=5,
    )
    early.name = "Bewerkt"
    early.save()  # editing an entry does not move it

    assert list(session.registrations.waiting_list()) == [urgent, early, late, same_time]


def test_team_rule_skipped_team_does_not_block_singles_and_goes_first_when_it_fits():
    """The rule of services' docstring: a team that does not fit is skipped, keeps its place."""
    session = SessionFactory(capacity_physical=3)
    seats = [RegistrationFactory(session=session) for _ in range(3)]
    team = services.register_team(
        session=session,
        registrant=verified_member(),
        colleagues=[Colleague("B", "b@example.org"), Colleague("C", "c@example.org")],
    )
    single = services.register(session=session, member=verified_member())
    later_single = services.register(session=session, member=verified_member())

    services.cancel_registration(registration=seats[0])  # one seat: the team of 3 does not fit

    single.refresh_from_db()
    assert single.status == Registration.Status.OFFERED  # the single behind the team is not blocked
    assert {r.status for r in Registration.objects.filter(team=team[0].team)} == {Registration.Status.WAITING}

    services.cancel_registration(registration=seats[1])
    services.cancel_registration(registration=seats[2])  # two free: still not enough for three
    later_single.refresh_from_db()
    assert later_single.status == Registration.Status.OFFERED

    services.cancel_registration(registration=single)
    services.cancel_registration(registration=later_single)
    # three free at once: the team, first in line, gets all three before anyone who joins later
    assert {r.status for r in Registration.objects.filter(team=team[0].team)} == {Registration.Status.OFFERED}


def test_cancelled_registration_cannot_be_cancelled_again():
    registration = RegistrationFactory()
    services.cancel_registration(registration=registration)
    with pytest.raises(exceptions.NotCancellable):
        services.cancel_registration(registration=registration)


def test_cancelling_the_session_mails_everyone(on_commit, organiser):
    session = SessionFactory(capacity_physical=1)
    RegistrationFactory(session=session, email="a@example.org")
    RegistrationFactory(session=session, email="b@example.org", status=Registration.Status.WAITING)
    mail.outbox.clear()

    on_commit(services.cancel_session, session=session, reason="De spreker is ziek.", actor=organiser)

    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert all("De spreker is ziek." in m.body for m in mail.outbox)
    with pytest.raises(exceptions.RegistrationClosed):
        services.register(session=session, member=verified_member())


def test_change_notice_reaches_everyone(on_commit, organiser):
    session = SessionFactory()
    RegistrationFactory(session=session, email="a@example.org")
    on_commit(services.notify_session_changed, session=session, message="Nieuwe zaal: 2.14", actor=organiser)
    [message] = mail.outbox
    assert "Nieuwe zaal: 2.14" in message.body


def test_reminders_go_once_to_those_with_a_seat(on_commit):
    session = SessionFactory(starts_at=timezone.now() + timedelta(hours=10))
    RegistrationFactory(session=session, email="seat@example.org")
    RegistrationFactory(session=session, email="wait@example.org", status=Registration.Status.WAITING)

    assert on_commit(services.send_reminders) == 1
    assert on_commit(services.send_reminders) == 0
    assert [m.to for m in mail.outbox] == [["seat@example.org"]]


def test_capacity_raised_by_organiser_offers_new_seats(organiser):
    session = SessionFactory(capacity_physical=1)
    RegistrationFactory(session=session)
    waiting = services.register(session=session, member=verified_member())
    Session.objects.filter(pk=session.pk).update(capacity_physical=2)
    services.session_saved(session=session, actor=organiser)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.OFFERED


def test_a_changed_date_or_place_saved_in_the_admin_is_mailed_to_everyone(on_commit, organiser):
    session = SessionFactory(capacity_physical=1)
    RegistrationFactory(session=session, email="a@example.org")
    RegistrationFactory(session=session, email="b@example.org", status=Registration.Status.WAITING)
    before = services.practical_details(session)
    on_commit(services.session_saved, session=session, actor=organiser, previous_details=before)
    assert mail.outbox == []  # saved without a practical change: nobody is bothered

    date = session.dates.get()
    date.starts_at += timedelta(days=1)
    date.ends_at += timedelta(days=1)
    date.save()
    Session.objects.filter(pk=session.pk).update(location="Stadhuis, Zaal 2")
    on_commit(services.session_saved, session=session, actor=organiser, previous_details=before)

    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert all("Gewijzigd: datum en tijd, locatie." in m.body for m in mail.outbox)
    assert all("Stadhuis, Zaal 2" in m.body for m in mail.outbox)  # the new details themselves
