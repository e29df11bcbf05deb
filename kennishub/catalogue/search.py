"""Courses in the front door search (kennishub.search): one kind, "opleiding"."""

from django.utils.translation import gettext_lazy as _

from kennishub.search import registry

from .models import Course


def course_result(course: Course) -> registry.Result:
    return registry.Result(
        title=course.title,
        url=course.get_absolute_url(),
        summary=course.summary,
        body=" ".join([course.description, *course.keywords, *course.topics]),
        date=course.next_start,
        meta=course.provider.name,
        facets={
            registry.THEME: [(theme.slug, theme.display_label) for theme in course.themes.all()],
            registry.AUDIENCE: [(role.slug, role.name) for role in course.administrative_roles.all()]
            + [(field.slug, field.name) for field in course.work_fields.all()],
            registry.ORGANISATION: [(course.provider.organisation.slug, course.provider.name)],
        },
    )


def register() -> None:
    registry.register(
        key="opleiding",
        label=_("Course"),
        model=Course,
        queryset=lambda: (
            Course.objects.listed()
            .select_related("provider__organisation")
            .prefetch_related("themes", "administrative_roles", "work_fields")
        ),
        to_result=course_result,
    )
