"""Background work of the Kennisbank: mails and the scheduled lifecycle jobs (thin: services decide)."""

from datetime import timedelta

from django.tasks import task

from kennishub.core.scheduling import periodic

from . import mails, services


@task
def send_submission_outcome(
    *, page_id: int, approved: bool, comment: str = "", validator_id: int | None = None
) -> None:
    mails.send_submission_outcome(
        page_id=page_id, approved=approved, comment=comment, validator_id=validator_id
    )


@task
def send_review_reminder(*, user_id: int, page_ids: list[int]) -> None:
    mails.send_review_reminder(user_id=user_id, page_ids=page_ids)


@task
def send_digest(*, subscription_id: int, now: str) -> None:
    mails.send_digest(subscription_id=subscription_id, now=now)


@periodic(every=timedelta(days=1))
@task
def archive_ended_programmes() -> None:
    """Programmes past their end date: archive their products (they stay live and findable)."""
    services.archive_ended_programmes()


@periodic(every=timedelta(days=7))
@task
def remind_editors_of_due_reviews() -> None:
    services.send_review_reminders()


@periodic(every=timedelta(days=7))
@task
def send_weekly_digests() -> None:
    services.send_digests()
