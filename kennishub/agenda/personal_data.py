"""The member's agenda data for the AVG export and erasure (registered in apps.py)."""


def export_agenda_data(user) -> dict:
    from .models import Notification, Question, Support

    return {
        "questions": [
            {
                "text": q.text,
                "context": q.context,
                "importance": q.importance,
                "status": q.status,
                "created_at": q.created_at.isoformat(),
            }
            for q in Question.objects.filter(asker=user)
        ],
        "supports": [
            {"question": s.question.text, "context": s.context, "created_at": s.created_at.isoformat()}
            for s in Support.objects.filter(member=user).select_related("question")
        ],
        "notifications": [
            {"message": n.message, "created_at": n.created_at.isoformat()}
            for n in Notification.objects.filter(recipient=user)
        ],
    }


def erase_agenda_data(user) -> None:
    """Questions and supports stay on the agenda without a name: the link to the member goes."""
    from .models import Question, Support

    Question.objects.filter(asker=user).update(asker=None)
    Support.objects.filter(member=user).update(member=None)
