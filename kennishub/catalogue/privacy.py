"""The personal data of the catalogue, for the AVG export and erasure: members' interests."""

from .models import Interest


def export_interests(user) -> list[dict]:
    return [
        {
            "course": interest.course.title if interest.course else None,
            "theme": interest.theme.label if interest.theme else None,
            "created_at": interest.created_at.isoformat(),
        }
        for interest in Interest.objects.filter(user=user).select_related("course", "theme")
    ]


def erase_interests(user) -> None:
    Interest.objects.filter(user=user).delete()
