"""Capacity holds under simultaneous registrations: real parallel connections, no mocks of the DB.

Twenty threads, each with its own PostgreSQL connection, wait at a barrier and then register for
the one seat of a session at the same moment; this is repeated for 100 sessions. With the row lock
(services.register locks the session, then counts) exactly one gets the seat every time. With the
lock switched off by the test-only flag ``services.LOCK_SEATS`` the same test must see overbooking,
otherwise it proves nothing. Honest note: without the lock, the unlocked path also pauses 5 ms
between counting and inserting (``services.UNLOCKED_RACE_PAUSE``, active only when the flag is off)
so that the race shows up in every run instead of now and then; the locked path has no pause.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from kennishub.events import services
from kennishub.events.models import Registration, Session, SessionDate

from .factories import verified_member

RUNS = 100
PARALLEL = 20


def one_seat_sessions(count: int) -> list[Session]:
    """`count` published sessions with one seat, made in bulk (the setup is not what we measure)."""
    start = timezone.now() + timedelta(days=7)
    sessions = Session.objects.bulk_create(
        [
            Session(
                title=f"Race {n}",
                slug=f"race-{n}",
                capacity_physical=1,
                status=Session.Status.PUBLISHED,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
            )
            for n in range(count)
        ]
    )
    SessionDate.objects.bulk_create(
        [SessionDate(session=s, starts_at=start, ends_at=start + timedelta(hours=1)) for s in sessions]
    )
    return sessions


def race(sessions, members) -> list[Exception]:
    barrier = threading.Barrier(PARALLEL, timeout=30)
    errors: list[Exception] = []

    def worker(member):
        try:
            for session in sessions:
                barrier.wait()  # all twenty start their transaction together
                services.register(session=session, member=member)
        except Exception as error:  # reported to the test below, never swallowed
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=worker, args=(member,)) for member in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locked", [True, False], ids=["with-lock", "without-lock"])
def test_one_seat_twenty_simultaneous_registrations(locked, monkeypatch):
    monkeypatch.setattr(services, "LOCK_SEATS", locked)
    monkeypatch.setattr(services, "_mail", lambda ids, kind: list(ids))  # mail is not under test here
    members = [verified_member() for _ in range(PARALLEL)]
    sessions = one_seat_sessions(RUNS)

    errors = race(sessions, members)

    assert errors == []
    overbooked_runs = 0
    for session in sessions:
        confirmed = session.registrations.filter(status=Registration.Status.CONFIRMED).count()
        assert session.registrations.count() == PARALLEL
        if confirmed > 1:
            overbooked_runs += 1
        else:
            assert confirmed == 1
    if locked:
        assert overbooked_runs == 0
    else:
        assert overbooked_runs > 0, "without the lock the race must show, or this test proves nothing"


MIXED_RUNS = 20
ON_SITE = Registration.Mode.PHYSICAL


def run_together(actions) -> list[Exception]:
    """Run each action in its own thread and connection, released together by a barrier."""
    barrier = threading.Barrier(len(actions), timeout=30)
    errors: list[Exception] = []

    def worker(action):
        try:
            barrier.wait()
            action()
        except Exception as error:  # reported to the test, never swallowed
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_cancellations_promotions_and_registrations_at_once_keep_capacity_and_order(monkeypatch):
    """Three seats taken, six waiting. At the same moment: the three seat holders and waiting
    people 1 and 4 cancel, eight newcomers register and three promotion runs start. Whatever the
    interleaving, the seats end up offered to waiting people 2, 3 and 5, nobody else holds one,
    and the newcomers wait behind waiting person 6. Repeated for 20 sessions."""
    monkeypatch.setattr(services, "_mail", lambda ids, kind: list(ids))  # mail is not under test here
    newcomers = [verified_member() for _ in range(8)]
    holders = [verified_member() for _ in range(3)]
    waiting_members = [verified_member() for _ in range(6)]
    sessions = one_seat_sessions(MIXED_RUNS)
    Session.objects.filter(pk__in=[s.pk for s in sessions]).update(capacity_physical=3)

    for session in Session.objects.filter(pk__in=[s.pk for s in sessions]):
        seats = [services.register(session=session, member=m) for m in holders]
        waiting = [services.register(session=session, member=m) for m in waiting_members]
        assert {r.status for r in seats} == {Registration.Status.CONFIRMED}
        assert {r.status for r in waiting} == {Registration.Status.WAITING}

        actions = [lambda r=r: services.cancel_registration(registration=r) for r in seats]
        actions += [lambda r=waiting[0]: services.cancel_registration(registration=r)]
        actions += [lambda r=waiting[3]: services.cancel_registration(registration=r)]
        actions += [lambda m=m, s=session: services.register(session=s, member=m) for m in newcomers]
        actions += [lambda s=session: services.promote_next_waiting(session=s, mode=ON_SITE)] * 3
        assert run_together(actions) == []

        registrations = session.registrations.all()
        assert registrations.count() == 3 + 6 + 8  # nothing lost, nothing doubled
        holding = {r.pk for r in registrations if r.holds_seat}
        assert holding == {waiting[1].pk, waiting[2].pk, waiting[4].pk}
        queue = list(session.registrations.waiting_list().values_list("pk", flat=True))
        assert queue[0] == waiting[5].pk
        assert len(queue) == 1 + len(newcomers)
