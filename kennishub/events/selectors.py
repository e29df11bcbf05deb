"""Reads about sessions and registrations for the pages, the API, tasks and other apps."""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from kennishub.core import theme_sections
from kennishub.core.models import Theme

from .models import Registration, Session, SessionDate, Team, seat_counts


def _with_related(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return sessions.select_related("organiser", "knowledge_product").prefetch_related(
        "themes", Prefetch("dates", queryset=SessionDate.objects.order_by("starts_at"))
    )


def published_sessions() -> QuerySet[Session]:
    return _with_related(Session.objects.published())


def upcoming_sessions(
    *,
    theme: Theme | None = None,
    format: str = "",
    audience: str = "",
    kind: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[Session]:
    """Published sessions that have not ended (or that overlap [start, end)), first one first."""
    sessions = Session.objects.published()
    if start is None and end is None:
        sessions = sessions.upcoming()
    if start is not None:
        sessions = sessions.filter(ends_at__gte=start)
    if end is not None:
        sessions = sessions.filter(starts_at__lt=end)
    if theme is not None:
        sessions = sessions.filter(Q(themes=theme) | Q(themes__parent=theme)).distinct()
    if format:
        sessions = sessions.filter(format=format)
    if kind:
        sessions = sessions.filter(kind=kind)
    if audience == "bestuurders":
        # Sessions for specific administrative roles (griffiers …) are for administrators too.
        with_roles = Session.objects.filter(administrative_roles__isnull=False).values("pk")
        sessions = sessions.filter(
            Q(for_administrators=True) | Q(open_to_everyone=True) | Q(pk__in=with_roles)
        )
    elif audience == "ambtenaren":
        sessions = sessions.filter(Q(for_civil_servants=True) | Q(open_to_everyone=True))
    return _with_related(sessions).order_by("starts_at", "pk")


FEED_DAYS = 365
FEED_MAX_SESSIONS = 200


def feed_sessions(*, theme: Theme | None = None) -> QuerySet[Session]:
    """The sessions of an .ics feed: upcoming ones that start within FEED_DAYS, at most
    FEED_MAX_SESSIONS, first one first. A calendar app polls the feed; the whole future is not needed.
    """
    horizon = timezone.now() + timedelta(days=FEED_DAYS)
    return upcoming_sessions(theme=theme).filter(starts_at__lt=horizon)[:FEED_MAX_SESSIONS]


def past_sessions() -> QuerySet[Session]:
    return _with_related(Session.objects.published().past()).order_by("-starts_at", "pk")


@dataclass
class SeatInfo:
    capacity: int
    taken: int

    @property
    def left(self) -> int:
        return max(0, self.capacity - self.taken)


def attach_seats(sessions) -> list[Session]:
    """Give each session `seats` ({mode: SeatInfo}) and `seats_left_total`, in one query."""
    sessions = list(sessions)
    counts = seat_counts(session.pk for session in sessions)
    for session in sessions:
        session.seats = {
            mode: SeatInfo(session.capacity_for(mode), counts.get((session.pk, mode), 0))
            for mode in session.modes()
        }
        session.seats_left_total = sum(info.left for info in session.seats.values())
    return sessions


@dataclass
class Day:
    date: date
    in_month: bool
    sessions: list = field(default_factory=list)


def month_grid(year: int, month: int, sessions) -> list[list[Day]]:
    """Weeks (Monday first) of the month, each day with the sessions that have a date on it."""
    by_day: dict[date, list] = {}
    tz = timezone.get_current_timezone()
    for session in sessions:
        for session_date in session.dates.all():
            day = timezone.localtime(session_date.starts_at, tz).date()
            if session not in by_day.setdefault(day, []):
                by_day[day].append(session)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [Day(date=day, in_month=day.month == month, sessions=by_day.get(day, [])) for day in week]
        )
    return weeks


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date(year, month, 1), time.min), tz)
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    return start, timezone.make_aware(datetime.combine(next_month, time.min), tz)


def registrations_of(user) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(user=user)
        .select_related("session", "team")
        .order_by("-session__starts_at", "pk")
    )


def registration_of(user, session: Session) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        session.registrations.active().filter(Q(user=user) | Q(email=user.email)).first()
        or session.registrations.filter(user=user, checked_in_at__isnull=False).first()
    )


def teams_registered_by(user, *, session: Session | None = None) -> QuerySet[Team]:
    """The teams `user` registered, newest session first, each with its registrations by name."""
    teams = Team.objects.filter(registered_by=user)
    if session is not None:
        teams = teams.filter(session=session)
    return (
        teams.select_related("session", "municipality")
        .prefetch_related(Prefetch("registrations", queryset=Registration.objects.order_by("name", "pk")))
        .order_by("-session__starts_at", "-pk")
    )


def may_submit_output(user) -> bool:
    """Organisers (who may change sessions) and editors of the knowledge base (redactie)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_perm("events.change_session"):
        return True
    from kennishub.knowledge import selectors as knowledge_selectors

    index = knowledge_selectors.knowledge_index()
    return index is not None and index.permissions_for_user(user).can_add_subpage()


def participants(session: Session, *, query: str = "") -> QuerySet[Registration]:
    """Everyone with a seat or on the waiting list, for the organiser; checked-in people too."""
    registrations = (
        session.registrations.filter(Q(status__in=Registration.ACTIVE) | Q(checked_in_at__isnull=False))
        .select_related("municipality", "administrative_role", "team")
        .order_by("name", "pk")
    )
    if query:
        registrations = registrations.filter(Q(name__icontains=query) | Q(email__icontains=query))
    return registrations


def waiting_list(session: Session) -> QuerySet[Registration]:
    return session.registrations.waiting_list().select_related("municipality", "team")


def evaluation_summary(session: Session) -> dict:
    evaluations = session.evaluations.all()
    summary = evaluations.aggregate(count=Count("pk"), average=Avg("score"))
    summary["per_score"] = {
        row["score"]: row["n"]
        for row in evaluations.values("score").annotate(n=Count("pk")).order_by("score")
    }
    summary["comments"] = list(evaluations.exclude(comment="").values_list("comment", flat=True))
    return summary


def reach(session: Session) -> list[dict]:
    """Registrations with a seat or attendance per municipality, kind of role and administrative role.

    Survives anonymisation: these fields are kept (privacy.py).
    """
    return list(
        session.registrations.filter(Q(status=Registration.Status.CONFIRMED) | Q(checked_in_at__isnull=False))
        .values("municipality__name", "role_kind", "administrative_role__name")
        .annotate(registered=Count("pk"), attended=Count("pk", filter=Q(checked_in_at__isnull=False)))
        .order_by("municipality__name", "role_kind", "administrative_role__name")
    )


def certificate(code: str) -> Registration | None:
    return (
        Registration.objects.select_related("session", "session__organiser")
        .filter(certificate_code=code.strip().upper(), checked_in_at__isnull=False)
        .first()
    )


def theme_section_items(theme: Theme, limit: int) -> list[theme_sections.SectionItem]:
    return [
        theme_sections.SectionItem(
            title=session.title,
            url=session.get_absolute_url(),
            meta=timezone.localtime(session.starts_at).strftime("%d-%m-%Y %H:%M")
            if session.starts_at
            else "",
            text=session.summary,
        )
        for session in upcoming_sessions(theme=theme)[:limit]
    ]


def theme_more_url(theme: Theme) -> str:
    return f"{reverse('events:index')}?thema={theme.slug}"


def matching_session_ids(query: str) -> list[int]:
    """Ids of published sessions that match `query` in the search index."""
    from modelsearch.backends import get_search_backend

    results = get_search_backend().search(query, Session.objects.published())
    return [session.pk for session in results[:500]]
