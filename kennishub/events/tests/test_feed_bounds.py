"""The .ics feed is bounded: the next FEED_DAYS and at most FEED_MAX_SESSIONS sessions.

Measured on a database of 1,000 sessions: /kennissessies/agenda.ics wrote all ~430 upcoming
sessions (185 ms, 169 KB) before the bound.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from kennishub.events import selectors

from .factories import SessionFactory

pytestmark = pytest.mark.django_db


def _feed(client, path: str = "/kennissessies/agenda.ics") -> tuple[Calendar, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content), len(captured)


def _summaries(calendar: Calendar) -> list[str]:
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


def test_feed_leaves_out_sessions_beyond_the_horizon(client):
    now = timezone.now()
    SessionFactory(title="Binnenkort", starts_at=now + timedelta(days=14))
    SessionFactory(title="Over elf maanden", starts_at=now + timedelta(days=selectors.FEED_DAYS - 30))
    SessionFactory(title="Over twee jaar", starts_at=now + timedelta(days=2 * 365))

    calendar, _queries = _feed(client)

    assert _summaries(calendar) == ["Binnenkort", "Over elf maanden"]
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]


def test_feed_holds_at_most_the_first_sessions_in_the_same_queries(client, monkeypatch):
    monkeypatch.setattr(selectors, "FEED_MAX_SESSIONS", 4)
    now = timezone.now()
    for n in range(3):
        SessionFactory(title=f"Sessie {n:02d}", starts_at=now + timedelta(days=10 + n))
    small, small_queries = _feed(client)
    for n in range(3, 12):
        SessionFactory(title=f"Sessie {n:02d}", starts_at=now + timedelta(days=10 + n))
    large, large_queries = _feed(client)

    assert len(_summaries(small)) == 3
    assert _summaries(large) == ["Sessie 00", "Sessie 01", "Sessie 02", "Sessie 03"]
    assert large_queries == small_queries
    for event in large.walk("VEVENT"):  # every event still complete after the cut
        assert event["UID"] and event["DTSTART"] and event["DTEND"] and event["DTSTAMP"]
