"""iCalendar (RFC 5545) files: one per session, and a feed per theme. Built with `icalendar`."""

from collections.abc import Iterable

from django.conf import settings
from icalendar import Calendar, Event

from .models import Session


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Kennishub//Kennissessies//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Amsterdam")
    return calendar


def _events(session: Session, *, online_url: str = "") -> Iterable[Event]:
    url = _absolute(session.get_absolute_url())
    for date in session.dates.all():
        event = Event()
        event.add("uid", f"kennissessie-{session.pk}-{date.pk}@kennishub")
        event.add("dtstamp", session.updated_at)
        event.add("dtstart", date.starts_at)
        event.add("dtend", date.ends_at)
        summary = f"{session.title} ({date.label})" if date.label else session.title
        event.add("summary", summary)
        event.add("description", "\n\n".join(part for part in [session.summary, url, online_url] if part))
        event.add("url", url)
        if session.location:
            event.add("location", session.location)
        event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
        yield event


def session_ics(session: Session, *, online_url: str = "") -> bytes:
    """The session's dates; the online link only when given (for participants with a seat)."""
    calendar = _calendar(session.title)
    for event in _events(session, online_url=online_url):
        calendar.add_component(event)
    return calendar.to_ical()


def feed_ics(name: str, sessions: Iterable[Session]) -> bytes:
    calendar = _calendar(name)
    for session in sessions:
        for event in _events(session):
            calendar.add_component(event)
    return calendar.to_ical()
