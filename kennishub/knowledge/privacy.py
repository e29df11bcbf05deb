"""Personal data the Kennisbank holds about a member, for the AVG export and erasure."""

from .models import DigestSubscription, KnowledgeProductPage


def export(user) -> dict:
    subscription = DigestSubscription.objects.filter(user=user).first()
    return {
        "weekly_digest": {
            "active": subscription.is_active,
            "subscribed_on": subscription.created_at.isoformat(),
            "last_sent_on": subscription.last_sent_at.isoformat() if subscription.last_sent_at else None,
        }
        if subscription
        else None,
        "submitted_practices": [
            {
                "title": page.title,
                "submitted_on": page.first_published_at.isoformat() if page.first_published_at else None,
            }
            for page in KnowledgeProductPage.objects.filter(submitted_by=user).order_by("pk")
        ],
    }


def erase(user) -> None:
    DigestSubscription.objects.filter(user=user).delete()
    # The practice itself is content of the municipality and stays; the link to the person goes.
    KnowledgeProductPage.objects.filter(submitted_by=user).update(submitted_by=None)
