"""Every write about sessions and registrations: register, cancel, promote, check in, notify.

Capacity is never exceeded, also under many simultaneous requests. Each service that counts seats
runs in one transaction and first locks the session row (``SELECT … FOR UPDATE`` on PostgreSQL);
two registrations for the last seat then queue behind each other, and the second one counts the
first. On SQLite the connection opens every transaction with ``BEGIN IMMEDIATE`` (settings), so
writers queue the same way. ``tests/test_concurrency.py`` proves it with real parallel connections.

Waiting list and teams — the rule we chose (issue #6):

* The waiting list is ordered by priority (higher first), then the time of joining, then id. A
  team's members join at the same moment and stand together in that order.
* A team is registered as a whole: if the whole team fits, everyone gets a seat; otherwise the whole
  team goes on the waiting list. A team is never split by us.
* When seats come free, the list is walked in order. Each unit (one person, or the waiting members of
  one team) that fits in the free seats is offered seats; a team that does not fit is *skipped, not
  blocking*: people behind it may take the seats. The team keeps its place, so as soon as enough
  seats are free at the same time (several cancellations, a larger room) it goes first.
* An offer holds the seat for ``session.offer_hours`` hours (never past the start). Not accepted in
  time, the offer lapses and the seat goes to the next unit.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kennishub.accounts.models import Profile, User
from kennishub.accounts.selectors import municipality_for_email
from kennishub.core import audit
from kennishub.core.models import AdministrativeRole, Municipality

from . import tasks
from .exceptions import (
    AlreadyRegistered,
    GuestsNotAllowed,
    MissingMunicipality,
    ModeNotAvailable,
    MunicipalityLimitReached,
    NoSeat,
    NotAttended,
    NotCancellable,
    NotSameMunicipality,
    OfferExpired,
    RegistrationClosed,
)
from .models import Evaluation, Registration, Session, Team, new_code

for _action, _label in [
    ("events.registration.created", _("Registration created")),
    ("events.registration.cancelled", _("Registration cancelled")),
    ("events.registration.offered", _("Seat offered from the waiting list")),
    ("events.registration.accepted", _("Offered seat accepted")),
    ("events.registration.lapsed", _("Offered seat lapsed")),
    ("events.registration.checked_in", _("Participant checked in")),
    ("events.session.cancelled", _("Session cancelled")),
    ("events.session.changed", _("Participants informed of a change")),
    ("events.participants.exported", _("Participants exported")),
    ("events.registrations.anonymised", _("Registrations anonymised")),
]:
    audit.register_action(_action, _label)

# Test-only switch (tests/test_concurrency.py): False skips the row lock so the test can show that
# without it the race is real. Never set it anywhere else.
LOCK_SEATS = True
# Only while LOCK_SEATS is False: a pause between counting and inserting that widens the race
# window, so the unlocked test catches the overbooking reliably instead of by luck.
UNLOCKED_RACE_PAUSE = 0.005


@dataclass(frozen=True)
class Person:
    """Who takes a place: a member (user set) or someone known only by name and address."""

    name: str
    email: str
    municipality: Municipality | None
    user: User | None = None
    role_kind: str = ""
    administrative_role: AdministrativeRole | None = None
    is_guest: bool = False


def person_for(user: User) -> Person:
    profile = Profile.objects.select_related("municipality", "administrative_role").filter(user=user).first()
    return Person(
        name=user.get_full_name(),
        email=user.email,
        municipality=profile.municipality if profile else None,
        user=user,
        role_kind=profile.role_kind if profile else "",
        administrative_role=profile.administrative_role if profile else None,
    )


def _locked(session: Session) -> Session:
    """The session, re-read with its row locked until the end of the transaction."""
    if not LOCK_SEATS:
        return Session.objects.get(pk=session.pk)
    return Session.objects.select_for_update().get(pk=session.pk)


def _offer_deadline(session: Session, now: datetime) -> datetime:
    deadline = now + timedelta(hours=session.offer_hours)
    if session.starts_at is not None:
        deadline = min(deadline, session.starts_at)
    return deadline


def _mail(registration_ids: Iterable[int], kind: str) -> None:
    for pk in registration_ids:
        transaction.on_commit(partial(tasks.send_registration_mail.enqueue, pk, kind))


# --- registering -------------------------------------------------------------------------------


def _check_can_register(session: Session, people: list[Person], mode: str, *, now: datetime) -> None:
    if not session.registration_is_open(now=now):
        raise RegistrationClosed()
    if mode not in session.modes() or session.capacity_for(mode) == 0:
        raise ModeNotAvailable()
    emails = [person.email.lower() for person in people]
    if len(set(emails)) != len(emails):
        raise AlreadyRegistered(_("The same e-mail address appears more than once."))
    taken = set(
        session.registrations.active()
        .filter(Q(email__in=emails) | Q(user__in=[p.user for p in people if p.user]))
        .values_list("email", flat=True)
    )
    if taken:
        raise AlreadyRegistered(
            _("Already registered for this session: %(emails)s.") % {"emails": ", ".join(sorted(taken))}
        )
    if session.max_per_municipality:
        municipality = people[0].municipality
        already = session.registrations.active().filter(municipality=municipality).count()
        if already + len(people) > session.max_per_municipality:
            raise MunicipalityLimitReached(
                _("At most %(max)d participants per municipality; %(municipality)s has %(already)d already.")
                % {"max": session.max_per_municipality, "municipality": municipality, "already": already}
            )


def _take_places(
    *, session: Session, people: list[Person], mode: str, actor, team: Team | None = None
) -> list[Registration]:
    """Inside a transaction: lock, check, count, insert. All get seats, or all wait."""
    session = _locked(session)  # two people can take the last seat at once; the lock makes them queue
    # Taken under the lock: the waiting list order (waiting_since, id) is the order of admission.
    now = timezone.now()
    _check_can_register(session, people, mode, now=now)
    seats_left = session.seats_left(mode)
    if not LOCK_SEATS and UNLOCKED_RACE_PAUSE:
        time.sleep(UNLOCKED_RACE_PAUSE)
    fits = seats_left >= len(people)
    status = Registration.Status.CONFIRMED if fits else Registration.Status.WAITING
    if team is not None:
        team.session = session
        team.save()
    registrations = []
    try:
        with transaction.atomic():  # a savepoint: a duplicate found by the constraint undoes all rows
            for person in people:
                registrations.append(
                    Registration.objects.create(
                        session=session,
                        user=person.user,
                        team=team,
                        name=person.name,
                        email=person.email.lower(),
                        municipality=person.municipality,
                        role_kind=person.role_kind,
                        administrative_role=person.administrative_role,
                        is_guest=person.is_guest,
                        mode=mode,
                        status=status,
                        created_at=now,
                        confirmed_at=now if fits else None,
                        waiting_since=None if fits else now,
                    )
                )
    except IntegrityError as error:
        raise AlreadyRegistered() from error
    for registration in registrations:
        audit.record(
            registration,
            "events.registration.created",
            actor=actor,
            data={"status": status, "mode": mode, "team": team.pk if team else None},
        )
    _mail((r.pk for r in registrations), "confirmed" if fits else "waiting")
    return registrations


@transaction.atomic
def register(*, session: Session, member: User, mode: str | None = None) -> Registration:
    """Give `member` a seat, or a place on the waiting list when the session is full.

    Raises AlreadyRegistered, RegistrationClosed, ModeNotAvailable, MunicipalityLimitReached or
    MissingMunicipality.
    """
    person = person_for(member)
    if person.municipality is None:
        raise MissingMunicipality()
    mode = mode or session.modes()[0]
    return _take_places(session=session, people=[person], mode=mode, actor=member)[0]


@dataclass(frozen=True)
class Colleague:
    name: str
    email: str


@transaction.atomic
def register_team(
    *,
    session: Session,
    registrant: User,
    colleagues: list[Colleague],
    include_self: bool = True,
    mode: str | None = None,
) -> list[Registration]:
    """Register colleagues of the registrant's municipality in one go; each gets their own mail.

    The team gets seats as a whole or waits as a whole (see the module docstring). A colleague with
    an account at another municipality, or with an address at another municipality's domain, is
    refused with NotSameMunicipality.
    """
    me = person_for(registrant)
    if me.municipality is None:
        raise MissingMunicipality()
    people = [me] if include_self else []
    accounts = {
        user.email: user
        for user in User.objects.filter(email__in=[c.email.lower() for c in colleagues]).select_related(
            "profile__municipality", "profile__administrative_role"
        )
    }
    for colleague in colleagues:
        email = colleague.email.strip().lower()
        user = accounts.get(email)
        profile = getattr(user, "profile", None) if user else None
        if profile is not None and profile.municipality_id not in (None, me.municipality.pk):
            raise NotSameMunicipality(_("%(email)s works for another municipality.") % {"email": email})
        by_domain = municipality_for_email(email)
        if by_domain is not None and by_domain.pk != me.municipality.pk:
            raise NotSameMunicipality(
                _("%(email)s is an address of another municipality.") % {"email": email}
            )
        people.append(
            Person(
                name=colleague.name.strip() or (user.get_full_name() if user else email),
                email=email,
                municipality=me.municipality,
                user=user,
                role_kind=profile.role_kind if profile else "",
                administrative_role=profile.administrative_role if profile else None,
            )
        )
    if not people:
        raise AlreadyRegistered(_("Add at least one colleague."))
    mode = mode or session.modes()[0]
    team = Team(session=session, registered_by=registrant, municipality=me.municipality)
    return _take_places(session=session, people=people, mode=mode, actor=registrant, team=team)


@transaction.atomic
def register_guest(
    *,
    session: Session,
    name: str,
    email: str,
    municipality: Municipality,
    role_kind: str,
    administrative_role: AdministrativeRole | None = None,
    mode: str | None = None,
) -> Registration:
    """Register a visitor without an account, only where the organiser allows it."""
    if not session.allow_guests:
        raise GuestsNotAllowed()
    person = Person(
        name=name.strip(),
        email=email.strip().lower(),
        municipality=municipality,
        role_kind=role_kind,
        administrative_role=administrative_role,
        is_guest=True,
    )
    mode = mode or session.modes()[0]
    return _take_places(session=session, people=[person], mode=mode, actor=None)[0]


# --- cancelling and the waiting list -----------------------------------------------------------


def _promote(session: Session, mode: str, *, now: datetime, actor=None) -> list[Registration]:
    """Offer free seats in `mode` to the waiting list, by the rule in the module docstring.

    The caller holds the session lock.
    """
    if session.status != Session.Status.PUBLISHED or session.is_past:
        return []
    free = session.seats_left(mode)
    if free <= 0:
        return []
    units: list[list[Registration]] = []
    by_team: dict[int, list[Registration]] = {}
    for registration in session.registrations.waiting_list().filter(mode=mode):
        if registration.team_id is None:
            units.append([registration])
        elif registration.team_id in by_team:
            by_team[registration.team_id].append(registration)
        else:
            by_team[registration.team_id] = [registration]
            units.append(by_team[registration.team_id])
    offered = []
    deadline = _offer_deadline(session, now)
    for unit in units:
        if free <= 0:
            break
        if len(unit) > free:
            continue  # a team that does not fit yet: it keeps its place, the next ones may go
        for registration in unit:
            registration.status = Registration.Status.OFFERED
            registration.offered_at = now
            registration.offer_expires_at = deadline
            registration.save(update_fields=["status", "offered_at", "offer_expires_at"])
            audit.record(
                registration,
                "events.registration.offered",
                actor=actor,
                data={"expires": deadline.isoformat()},
            )
            offered.append(registration)
        free -= len(unit)
    _mail((r.pk for r in offered), "offered")
    return offered


@transaction.atomic
def promote_next_waiting(*, session: Session, mode: str) -> list[Registration]:
    """Offer any free seats in `mode` to the next people on the waiting list."""
    session = _locked(session)
    return _promote(session, mode, now=timezone.now())


@transaction.atomic
def cancel_registration(*, registration: Registration, actor=None) -> Registration:
    """Cancel a registration (or waiting place, or offer); a freed seat is offered to the next.

    Raises NotCancellable when it was no longer active.
    """
    session = _locked(registration.session)
    registration = Registration.objects.get(pk=registration.pk)
    if not registration.is_active:
        raise NotCancellable()
    held_seat = registration.holds_seat
    now = timezone.now()
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    audit.record(registration, "events.registration.cancelled", actor=actor, data={"held_seat": held_seat})
    _mail([registration.pk], "cancelled")
    if held_seat:
        _promote(session, registration.mode, now=now, actor=actor)
    return registration


def accept_offer(*, registration: Registration, actor=None) -> Registration:
    """Turn an offered seat into a confirmed one. Raises OfferExpired after the deadline.

    A late acceptance lapses the offer (committed, so the seat goes to the next) before raising.
    """
    with transaction.atomic():
        session = _locked(registration.session)
        registration = Registration.objects.get(pk=registration.pk)
        now = timezone.now()
        if registration.status == Registration.Status.CONFIRMED:
            return registration
        expired = registration.status != Registration.Status.OFFERED
        if not expired and registration.offer_expires_at and registration.offer_expires_at <= now:
            _lapse(registration, now=now)
            _promote(session, registration.mode, now=now)
            expired = True
        if not expired:
            registration.status = Registration.Status.CONFIRMED
            registration.confirmed_at = now
            registration.save(update_fields=["status", "confirmed_at"])
            audit.record(registration, "events.registration.accepted", actor=actor)
            _mail([registration.pk], "confirmed")
            return registration
    raise OfferExpired()


def _lapse(registration: Registration, *, now: datetime) -> None:
    registration.status = Registration.Status.LAPSED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    audit.record(registration, "events.registration.lapsed")
    _mail([registration.pk], "lapsed")


def expire_offers(*, now: datetime | None = None) -> int:
    """Lapse offers past their deadline and offer the seats to the next ones. Returns how many lapsed."""
    now = now or timezone.now()
    session_ids = set(
        Registration.objects.filter(
            status=Registration.Status.OFFERED, offer_expires_at__lte=now
        ).values_list("session_id", flat=True)
    )
    lapsed = 0
    for session_id in session_ids:
        with transaction.atomic():
            session = _locked(Session(pk=session_id))
            expired = list(
                session.registrations.filter(status=Registration.Status.OFFERED, offer_expires_at__lte=now)
            )
            for registration in expired:
                _lapse(registration, now=now)
            for mode in {registration.mode for registration in expired}:
                _promote(session, mode, now=now)
            lapsed += len(expired)
    return lapsed


# --- the organiser's side ----------------------------------------------------------------------


@transaction.atomic
def cancel_session(*, session: Session, reason: str, actor) -> Session:
    """Cancel the session and mail everyone who is registered or waiting."""
    session = _locked(session)
    session.status = Session.Status.CANCELLED
    session.cancellation_reason = reason
    session.save(update_fields=["status", "cancellation_reason", "updated_at"])
    audit.record(session, "events.session.cancelled", actor=actor, data={"reason": reason})
    _mail(session.registrations.active().values_list("pk", flat=True), "session_cancelled")
    return session


@transaction.atomic
def notify_session_changed(*, session: Session, message: str, actor) -> int:
    """Mail everyone registered or waiting that the session changed (date, place, link …)."""
    ids = list(session.registrations.active().values_list("pk", flat=True))
    audit.record(
        session, "events.session.changed", actor=actor, data={"message": message, "mailed": len(ids)}
    )
    for pk in ids:
        transaction.on_commit(partial(tasks.send_registration_mail.enqueue, pk, "session_changed", message))
    return len(ids)


@transaction.atomic
def session_saved(*, session: Session, actor, previous_status: str | None = None) -> None:
    """After an organiser saved the session in the admin.

    Newly cancelled there: everyone is mailed, as with cancel_session. Otherwise any new seats (a
    larger capacity) are offered to the waiting list.
    """
    session = _locked(session)
    if session.status == Session.Status.CANCELLED:
        if previous_status != Session.Status.CANCELLED:
            audit.record(
                session, "events.session.cancelled", actor=actor, data={"reason": session.cancellation_reason}
            )
            _mail(session.registrations.active().values_list("pk", flat=True), "session_cancelled")
        return
    for mode in session.modes():
        _promote(session, mode, now=timezone.now(), actor=actor)


def send_reminders(*, now: datetime | None = None, ahead: timedelta = timedelta(days=1)) -> int:
    """Remind everyone with a seat of sessions that start within `ahead`; once per session."""
    now = now or timezone.now()
    sessions = Session.objects.filter(
        status=Session.Status.PUBLISHED,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + ahead,
    )
    count = 0
    for session in sessions:
        with transaction.atomic():
            updated = Session.objects.filter(pk=session.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if not updated:
                continue  # another worker sent them
            ids = list(session.registrations.holding_seat().values_list("pk", flat=True))
            _mail(ids, "reminder")
            count += len(ids)
    return count


@transaction.atomic
def check_in(*, registration: Registration, actor, at: datetime | None = None) -> Registration:
    """Mark the participant present. Idempotent: a repeated scan keeps the first time.

    `at` is when the organiser scanned or tapped (sent later by a phone that was offline).
    Raises NoSeat for a registration without a seat.
    """
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.checked_in_at is not None:
        return registration
    if registration.status != Registration.Status.CONFIRMED:
        raise NoSeat()
    now = timezone.now()
    registration.checked_in_at = min(at, now) if at else now
    registration.checked_in_by = actor
    registration.certificate_code = new_code()
    registration.save(update_fields=["checked_in_at", "checked_in_by", "certificate_code"])
    audit.record(registration, "events.registration.checked_in", actor=actor)
    return registration


@transaction.atomic
def evaluate(*, registration: Registration, score: int, comment: str) -> Evaluation:
    """Store (or replace) the participant's evaluation. Only for those who were checked in."""
    if registration.checked_in_at is None:
        raise NotAttended()
    evaluation, _created = Evaluation.objects.update_or_create(
        registration=registration,
        defaults={"session": registration.session, "score": score, "comment": comment.strip()},
    )
    return evaluation


def record_export(*, session: Session, actor, file_format: str, rows: int) -> None:
    audit.record(
        session, "events.participants.exported", actor=actor, data={"format": file_format, "rows": rows}
    )
