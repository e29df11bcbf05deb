"""The mails of the Kennisbank, rendered in Dutch and sent from tasks."""

from __future__ import annotations

import datetime
import email.policy

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import DigestSubscription, KnowledgeProductPage

UNSUBSCRIBE_SALT = "knowledge.digest.unsubscribe"
DIGEST_PERIOD = datetime.timedelta(days=7)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


class DigestMessage(EmailMessage):
    """A mail whose long List-Unsubscribe address stays readable for mail clients.

    Python's mail policies fold a header longer than 78 characters without spaces into RFC 2047
    encoded words (``=?utf-8?q?=3Chttp...``), which no client parses as the RFC 8058 one-click
    address. RFC 5322 allows lines up to 998 characters; the SMTP backend's own policy is kept.
    """

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def unsubscribe_token(user_id: int) -> str:
    return signing.dumps(user_id, salt=UNSUBSCRIBE_SALT)


def user_for_unsubscribe_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def _reply_to(validator_id: int | None) -> list[str]:
    """Where a reply to an outcome mail goes: the validator who decided, else the platform's contact.

    The mail comes from a no-reply address, so without this "reply to this e-mail" would go nowhere.
    """
    from kennishub.accounts.models import User

    validator = User.objects.filter(pk=validator_id, is_active=True).first() if validator_id else None
    if validator is not None and validator.email:
        return [validator.email]
    return [settings.KH_CONTACT_EMAIL] if settings.KH_CONTACT_EMAIL else []


def send_submission_outcome(
    *, page_id: int, approved: bool, comment: str = "", validator_id: int | None = None
) -> None:
    page = KnowledgeProductPage.objects.select_related("submitted_by").filter(pk=page_id).first()
    if page is None or page.submitted_by is None or not page.submitted_by.is_active:
        return
    reply_to = _reply_to(validator_id)
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "page": page,
            "approved": approved,
            "comment": comment,
            "can_reply": bool(reply_to),
            "page_url": absolute(page.url or "") if approved else "",
            "name": page.submitted_by.full_name,
        }
        body = render_to_string("knowledge/mail/submission_outcome.txt", context)
        subject = (
            _("Your good practice has been published: %(title)s")
            if approved
            else _("Your good practice has not been published yet: %(title)s")
        ) % {"title": page.title}
    EmailMessage(subject=subject, body=body, to=[page.submitted_by.email], reply_to=reply_to).send()


def send_review_reminder(*, user_id: int, page_ids: list[int]) -> None:
    pages = list(
        KnowledgeProductPage.objects.filter(pk__in=page_ids)
        .select_related("editor", "owner")
        .order_by("title")
    )
    recipient = next(
        (p.editor or p.owner for p in pages if (p.editor or p.owner) and (p.editor or p.owner).pk == user_id),
        None,
    )
    if recipient is None or not pages:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "pages": [(page, absolute(reverse("wagtailadmin_pages:edit", args=[page.pk]))) for page in pages],
            "review_url": absolute(reverse("knowledge_review_due")),
            "name": recipient.full_name,
        }
        body = render_to_string("knowledge/mail/review_reminder.txt", context)
        subject = _("Knowledge products due for review: %(count)s") % {"count": len(pages)}
    EmailMessage(subject=subject, body=body, to=[recipient.email]).send()


def send_digest(*, subscription_id: int, now: str) -> None:
    """Send one member the products new on their followed themes since the last digest."""
    from . import selectors

    subscription = (
        DigestSubscription.objects.select_related("user__profile").filter(pk=subscription_id).first()
    )
    if subscription is None or not subscription.is_active or not subscription.user.is_active:
        return
    moment = datetime.datetime.fromisoformat(now)
    since = max(subscription.last_sent_at or moment - DIGEST_PERIOD, moment - DIGEST_PERIOD)
    profile = getattr(subscription.user, "profile", None)
    themes = list(profile.themes.all()) if profile else []
    products = list(selectors.new_products_on_themes(themes=themes, since=since)[:25]) if themes else []
    if not products:
        return  # no empty mails
    token = unsubscribe_token(subscription.user_id)
    unsubscribe_url = absolute(reverse("knowledge:digest_unsubscribe", kwargs={"token": token}))
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "products": [(product, absolute(product.url or "")) for product in products],
            "themes": themes,
            "name": subscription.user.full_name,
            "unsubscribe_url": unsubscribe_url,
        }
        body = render_to_string("knowledge/mail/digest.txt", context)
        subject = _("New knowledge on your themes")
    mail = DigestMessage(
        subject=subject,
        body=body,
        to=[subscription.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    mail.send()
    DigestSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=timezone.now())
