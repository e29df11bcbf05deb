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

Audience — the rule we chose (issue #6), enforced here for pages and API alike (``Session.admits``):

* A session marked "open to everyone" admits anyone; its audience is then only a guide. A session
  that names no audience at all admits anyone too.
* Otherwise a civil servant (profile kind of role "ambtelijk") is admitted when the session is for
  civil servants. An administrator ("bestuurlijk") is admitted when the session is for
  administrators, but when the session names specific roles (for example griffiers), only
  administrators with one of those roles are admitted: specific roles narrow the audience.
* A member registering themselves must have a kind of role in their profile; a visitor without an
  account states it in the form. Both are refused with a message that names the audience.
* In a team, each colleague whose role we know (their account's profile) is checked; a colleague
  without an account or without a known role is admitted on the registrant's word. One colleague
  outside the audience refuses the whole team, naming who, so nobody is registered half.
* Changing the audience later does not cancel anyone already registered.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _
from wagtail.rich_text import RichText

from kennishub.accounts.models import Profile, User
from kennishub.accounts.selectors import municipality_for_email
from kennishub.core import audit
from kennishub.core.models import AdministrativeRole, Municipality
from kennishub.knowledge.models import KnowledgeProductPage, KnowledgeProductResource

from . import tasks
from .exceptions import (
    AlreadyRegistered,
    GuestsNotAllowed,
    MissingMunicipality,
    ModeNotAvailable,
    MunicipalityLimitReached,
    NoOutputYet,
    NoSeat,
    NotAttended,
    NotCancellable,
    NotInAudience,
    NotSameMunicipality,
    NotTeamRegistrant,
    OfferExpired,
    OutputExists,
    RegistrationClosed,
)
from .models import Evaluation, Material, Registration, Session, Team, new_code

for _action, _label in [
    ("events.registration.created", _("Registration created")),
    ("events.registration.cancelled", _("Registration cancelled")),
    ("events.registration.offered", _("Seat offered from the waiting list")),
    ("events.registration.accepted", _("Offered seat accepted")),
    ("events.registration.lapsed", _("Offered seat lapsed")),
    ("events.registration.checked_in", _("Participant checked in")),
    ("events.registration.replaced", _("Team member replaced by a colleague")),
    ("events.session.output_submitted", _("Output submitted as a knowledge product")),
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
    # False for a team colleague we know nothing about: admitted on the registrant's word.
    role_required: bool = True

    @property
    def role_label(self) -> str:
        if self.administrative_role is not None:
            return self.administrative_role.name
        if self.role_kind:
            return str(Profile.RoleKind(self.role_kind).label)
        return str(_("role unknown"))


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


def _check_audience(session: Session, people: list[Person], *, team: Team | None) -> None:
    """Refuse anyone outside the session's audience (the rule in the module docstring)."""
    outside = [
        person
        for person in people
        if (person.role_kind or person.role_required)
        and not session.admits(
            role_kind=person.role_kind,
            administrative_role_id=person.administrative_role.pk if person.administrative_role else None,
        )
    ]
    if not outside:
        return
    audience = session.audience_description()
    person = outside[0]
    if team is None and person.is_guest:
        raise NotInAudience(
            _(
                "This session is meant for: %(audience)s. You stated that you are %(role)s, so you "
                "cannot register."
            )
            % {"audience": audience, "role": person.role_label}
        )
    if team is None and not person.role_kind:
        raise NotInAudience(
            _(
                "This session is meant for: %(audience)s. Fill in in your profile whether you are an "
                "administrator or a civil servant; then you can register."
            )
            % {"audience": audience}
        )
    if team is None:
        raise NotInAudience(
            _(
                "This session is meant for: %(audience)s. According to your profile you are %(role)s, so "
                "you cannot register. Is your role wrong? Change it in your profile."
            )
            % {"audience": audience, "role": person.role_label}
        )
    raise NotInAudience(
        _(
            "This session is meant for: %(audience)s. Not in this audience: %(people)s. Remove them from "
            "the team and register again; nobody has been registered yet."
        )
        % {
            "audience": audience,
            "people": "; ".join(f"{p.name} ({p.email}, {p.role_label})" for p in outside),
        }
    )


def _check_can_register(
    session: Session, people: list[Person], mode: str, *, now: datetime, team: Team | None = None
) -> None:
    if not session.registration_is_open(now=now):
        raise RegistrationClosed()
    if mode not in session.modes() or session.capacity_for(mode) == 0:
        raise ModeNotAvailable()
    _check_audience(session, people, team=team)
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
    _check_can_register(session, people, mode, now=now, team=team)
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

    Raises AlreadyRegistered, RegistrationClosed, ModeNotAvailable, NotInAudience,
    MunicipalityLimitReached or MissingMunicipality.
    """
    person = person_for(member)
    if person.municipality is None:
        raise MissingMunicipality()
    mode = mode or session.modes()[0]
    return _take_places(session=session, people=[person], mode=mode, actor=member)[0]


def audience_refusal(*, session: Session, member: User) -> str:
    """Why `member` may not register for `session` because of its audience; empty when they may.

    For the session page, which says so before anyone tries; ``register`` enforces the same rule.
    """
    try:
        _check_audience(session, [person_for(member)], team=None)
    except NotInAudience as error:
        return str(error.message)
    return ""


@dataclass(frozen=True)
class Colleague:
    name: str
    email: str


def _colleagues_as_people(colleagues: list[Colleague], *, municipality: Municipality) -> list[Person]:
    """Colleagues of `municipality`; an account or address of another municipality is refused."""
    accounts = {
        user.email: user
        for user in User.objects.filter(
            email__in=[c.email.strip().lower() for c in colleagues]
        ).select_related("profile__municipality", "profile__administrative_role")
    }
    people = []
    for colleague in colleagues:
        email = colleague.email.strip().lower()
        user = accounts.get(email)
        profile = getattr(user, "profile", None) if user else None
        if profile is not None and profile.municipality_id not in (None, municipality.pk):
            raise NotSameMunicipality(_("%(email)s works for another municipality.") % {"email": email})
        by_domain = municipality_for_email(email)
        if by_domain is not None and by_domain.pk != municipality.pk:
            raise NotSameMunicipality(
                _("%(email)s is an address of another municipality.") % {"email": email}
            )
        people.append(
            Person(
                name=colleague.name.strip() or (user.get_full_name() if user else email),
                email=email,
                municipality=municipality,
                user=user,
                role_kind=profile.role_kind if profile else "",
                administrative_role=profile.administrative_role if profile else None,
                role_required=False,
            )
        )
    return people


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
    refused with NotSameMunicipality; a colleague outside the audience with NotInAudience.
    """
    me = person_for(registrant)
    if me.municipality is None:
        raise MissingMunicipality()
    people = [me] if include_self else []
    people.extend(_colleagues_as_people(colleagues, municipality=me.municipality))
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
    """Register a visitor without an account, only where the organiser allows it.

    The visitor's stated role is held to the audience like a member's (NotInAudience).
    """
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


# --- the team registrant's side ----------------------------------------------------------------


def _team_registration(registration: Registration, registrant: User) -> Registration:
    """The registration re-read under the session lock; refused unless `registrant` made its team."""
    registration = Registration.objects.select_related("team", "team__municipality").get(pk=registration.pk)
    if registration.team is None or registration.team.registered_by_id != registrant.pk:
        raise NotTeamRegistrant()
    return registration


@transaction.atomic
def cancel_team_member(*, registration: Registration, registrant: User) -> Registration:
    """The team registrant cancels a colleague's place; a freed seat goes to the waiting list.

    Raises NotTeamRegistrant for anyone but the member who registered the team, NotCancellable
    when the place was no longer active.
    """
    _locked(registration.session)
    _team_registration(registration, registrant)
    return cancel_registration(registration=registration, actor=registrant)


_MAIL_FOR_STATUS = {
    Registration.Status.CONFIRMED: "confirmed",
    Registration.Status.WAITING: "waiting",
    Registration.Status.OFFERED: "offered",
}


@transaction.atomic
def replace_team_member(
    *, registration: Registration, registrant: User, colleague: Colleague
) -> Registration:
    """Give a colleague's place in a team to another colleague of the same municipality.

    The newcomer takes over the place as it is: a seat stays a seat, an offer keeps its deadline, a
    waiting place keeps its position. No seat is freed or taken, so nobody else moves and the
    maximum per municipality is unchanged. The one replaced and the newcomer each get a mail.
    Raises NotTeamRegistrant, NotCancellable, RegistrationClosed, NotSameMunicipality,
    NotInAudience or AlreadyRegistered.
    """
    session = _locked(registration.session)
    registration = _team_registration(registration, registrant)
    if not registration.is_active:
        raise NotCancellable()
    now = timezone.now()
    if not session.registration_is_open(now=now):
        raise RegistrationClosed()
    team = registration.team
    [person] = _colleagues_as_people([colleague], municipality=team.municipality)
    _check_audience(session, [person], team=team)
    duplicate = session.registrations.active().filter(
        Q(email=person.email) | Q(user=person.user) if person.user else Q(email=person.email)
    )
    if duplicate.exists():
        raise AlreadyRegistered(
            _("Already registered for this session: %(emails)s.") % {"emails": person.email}
        )
    status = registration.status
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    try:
        with transaction.atomic():
            newcomer = Registration.objects.create(
                session=session,
                user=person.user,
                team=team,
                name=person.name,
                email=person.email,
                municipality=team.municipality,
                role_kind=person.role_kind,
                administrative_role=person.administrative_role,
                mode=registration.mode,
                status=status,
                priority=registration.priority,
                created_at=now,
                # The place is taken over, so its position on the waiting list and its offer too.
                waiting_since=registration.waiting_since,
                offered_at=registration.offered_at,
                offer_expires_at=registration.offer_expires_at,
                confirmed_at=now if status == Registration.Status.CONFIRMED else None,
            )
    except IntegrityError as error:
        raise AlreadyRegistered() from error
    audit.record(
        registration,
        "events.registration.replaced",
        actor=registrant,
        data={"by": newcomer.pk, "status": status},
    )
    audit.record(
        newcomer,
        "events.registration.created",
        actor=registrant,
        data={"status": status, "mode": newcomer.mode, "team": team.pk, "replaces": registration.pk},
    )
    _mail([registration.pk], "cancelled")
    _mail([newcomer.pk], _MAIL_FOR_STATUS[status])
    return newcomer


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


_DETAIL_LABELS = {
    "dates": _("date and time"),
    "format": _("format"),
    "location": _("location"),
    "online_url": _("online link"),
}


def practical_details(session: Session) -> dict:
    """What participants rely on to attend; a change to any of it is mailed to them."""
    return {
        "dates": [(date.starts_at, date.ends_at) for date in session.dates.order_by("starts_at", "pk")],
        "format": session.format,
        "location": session.location,
        "online_url": session.online_url,
    }


@transaction.atomic
def session_saved(
    *, session: Session, actor, previous_status: str | None = None, previous_details: dict | None = None
) -> None:
    """After an organiser saved the session in the admin.

    Newly cancelled there: everyone is mailed, as with cancel_session. When the date, format,
    place or online link of a published session changed (`previous_details`, from
    ``practical_details`` before the save), everyone registered or waiting is mailed the new
    details. Any new seats (a larger capacity) are offered to the waiting list.
    """
    session = _locked(session)
    if session.status == Session.Status.CANCELLED:
        if previous_status != Session.Status.CANCELLED:
            audit.record(
                session, "events.session.cancelled", actor=actor, data={"reason": session.cancellation_reason}
            )
            _mail(session.registrations.active().values_list("pk", flat=True), "session_cancelled")
        return
    if previous_details is not None and session.status == Session.Status.PUBLISHED:
        current = practical_details(session)
        changed = [
            str(label) for key, label in _DETAIL_LABELS.items() if current[key] != previous_details[key]
        ]
        if changed:
            notify_session_changed(
                session=session,
                message=_("Changed: %(what)s. The new details are below.") % {"what": ", ".join(changed)},
                actor=actor,
            )
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


# --- after the session: its output as a knowledge product --------------------------------------


def _paragraphs(text: str) -> list[tuple[str, RichText]]:
    blocks = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]
    return [("paragraph", RichText(f"<p>{escape(block)}</p>".replace("\n", "<br/>"))) for block in blocks]


@transaction.atomic
def submit_output(*, session: Session, actor: User) -> KnowledgeProductPage:
    """Make a draft knowledge product of kind "terugkijken" of a past session and submit it for validation.

    The draft carries the title, summary, description, speakers and themes of the session, a link
    back to the session and the materials visible to everyone as its files and links (materials
    for participants only stay out). It goes through the knowledge base's validation workflow
    (``knowledge.services.submit_product_draft``); once an editor publishes it, the session page
    links to it. The caller checks that `actor` may do this (``selectors.may_submit_output``).
    Raises NoOutputYet before the session is over or when it was cancelled, OutputExists when the
    session already has one, KnowledgeBaseMissing when there is no knowledge base.
    """
    from kennishub.knowledge import services as knowledge_services

    session = _locked(session)
    if session.knowledge_product_id is not None:
        raise OutputExists()
    if session.is_cancelled or not session.is_past:
        raise NoOutputYet()
    session_url = settings.SITE_URL.rstrip("/") + session.get_absolute_url()
    dates = ", ".join(
        formats.date_format(timezone.localtime(date.starts_at), "j F Y")
        for date in session.dates.order_by("starts_at")
    )
    body = [
        (
            "paragraph",
            RichText(
                format_html(
                    '<p>{} <a href="{}">{}</a> ({}).</p>',
                    _("The output of the knowledge session"),
                    session_url,
                    session.title,
                    dates,
                )
            ),
        ),
        *_paragraphs(session.description),
    ]
    speakers = list(session.speakers.all())
    if speakers:
        body.append(("heading", str(_("Speakers"))))
        items = "".join(
            format_html(
                "<li>{}{}</li>", speaker.name, f", {speaker.description}" if speaker.description else ""
            )
            for speaker in speakers
        )
        body.append(("paragraph", RichText(f"<ul>{items}</ul>")))
    resources = [
        KnowledgeProductResource(
            title=str(_("Knowledge session: %(title)s") % {"title": session.title})[:200],
            url=session_url,
            licence=KnowledgeProductResource.Licence.OTHER,
        )
    ]
    for material in session.materials.select_related("document"):
        if material.visibility != Material.Visibility.EVERYONE or not (material.document_id or material.url):
            continue
        resources.append(
            KnowledgeProductResource(
                title=material.title,
                document=material.document,
                url=material.url,
                licence=KnowledgeProductResource.Licence.OTHER,
            )
        )
    page = KnowledgeProductPage(
        title=session.title,
        kind=KnowledgeProductPage.Kind.RECORDING,
        summary=(session.summary or session.description or session.title)[:1000],
        body=body,
        source_organisation=session.organiser,
        authors="\n".join(speaker.name for speaker in speakers),
        publication_date=timezone.localdate(),
        editor=actor,
    )
    page.resources = resources
    page.themes.set(list(session.themes.all()))
    page.administrative_roles.set(list(session.administrative_roles.all()))
    knowledge_services.submit_product_draft(page=page, user=actor)
    session.knowledge_product = page
    Session.objects.filter(pk=session.pk).update(knowledge_product=page, updated_at=timezone.now())
    audit.record(session, "events.session.output_submitted", actor=actor, data={"page": page.pk})
    return page
