"""Sessions in the front door search (kennishub.search.registry): published ones, also past ones."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kennishub.search import registry

from .models import Session


def session_result(session: Session) -> registry.Result:
    themes: dict[str, str] = {}
    for theme in session.themes.all():
        top = theme.parent or theme
        themes[top.slug] = top.display_label
        themes[theme.slug] = theme.display_label
    audiences = [(role.slug, role.name) for role in session.administrative_roles.all()]
    organisations = [(session.organiser.slug, session.organiser.name)] if session.organiser_id else []
    when = timezone.localtime(session.starts_at).strftime("%d-%m-%Y") if session.starts_at else ""
    return registry.Result(
        title=session.title,
        url=session.get_absolute_url(),
        summary=session.summary,
        body=" ".join([session.description, session.programme, *(s.name for s in session.speakers.all())]),
        date=timezone.localtime(session.starts_at).date() if session.starts_at else None,
        kind=(session.kind, str(session.get_kind_display()).capitalize()),
        meta=" · ".join(part for part in [when, str(session.get_format_display())] if part),
        facets={
            registry.THEME: list(themes.items()),
            registry.AUDIENCE: audiences,
            registry.ORGANISATION: organisations,
        },
    )


def register() -> None:
    registry.register(
        key="kennissessie",
        label=_("Knowledge session"),
        model=Session,
        queryset=lambda: (
            Session.objects.filter(status=Session.Status.PUBLISHED)
            .select_related("organiser")
            .prefetch_related("themes__parent", "administrative_roles", "speakers")
        ),
        to_result=session_result,
    )
