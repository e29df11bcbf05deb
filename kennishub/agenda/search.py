"""The agenda's kinds in the front door search: public questions and published clusters."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from kennishub.search import registry

from .models import Cluster, Question


def _themes(obj) -> list[tuple[str, str]]:
    return [(theme.slug, theme.display_label) for theme in obj.themes.all()]


def question_result(question: Question) -> registry.Result:
    return registry.Result(
        title=question.text,
        url=question.get_absolute_url(),
        summary=question.context[:300],
        body=f"{question.context}\n{question.importance}\n{question.answer_text}",
        date=question.created_at.date(),
        facets={registry.THEME: _themes(question)},
        meta=question.municipality.name if question.municipality else "",
    )


def cluster_result(cluster: Cluster) -> registry.Result:
    return registry.Result(
        title=cluster.title,
        url=cluster.get_absolute_url(),
        summary=cluster.description[:300],
        body="\n".join(q.text for q in cluster.questions.all()),
        date=cluster.published_at.date(),
        facets={registry.THEME: _themes(cluster)},
    )


def _findable_questions():
    """The questions whose text makes a cluster findable: public ones and those merged into them
    (they were accepted before), never a submitted or clarification question."""
    statuses = [*Question.PUBLIC_STATUSES, Question.Status.MERGED]
    return Question.objects.filter(status__in=statuses).defer("embedding")


def register() -> None:
    registry.register(
        key="kennisvraag",
        label=_("Knowledge question"),
        model=Question,
        queryset=lambda: Question.objects.public().select_related("municipality").prefetch_related("themes"),
        to_result=question_result,
    )
    registry.register(
        key="kenniscluster",
        label=_("Knowledge agenda cluster"),
        model=Cluster,
        queryset=lambda: Cluster.objects.filter(published_at__isnull=False).prefetch_related(
            "themes", Prefetch("questions", queryset=_findable_questions())
        ),
        to_result=cluster_result,
    )
