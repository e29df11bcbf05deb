"""Reads of the knowledge agenda for pages, the API, exports and other apps."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import ngettext

from kennishub.core import theme_sections
from kennishub.core.models import Municipality, Theme

from . import similarity
from .models import Cluster, Criterion, Merge, Notification, Question, Route, Score, Support


def public_questions(*, theme: Theme | None = None) -> QuerySet[Question]:
    questions = Question.objects.public()
    if theme is not None:
        questions = questions.filter(Q(themes=theme) | Q(themes__parent=theme)).distinct()
    return (
        questions.defer("embedding")
        .select_related("municipality", "cluster")
        .prefetch_related("themes")
        .annotate(support_count=Count("supports", distinct=True))
        .order_by("-created_at", "-id")
    )


def question_for_page(pk: int) -> Question:
    return (
        Question.objects.select_related("municipality", "cluster", "merged_into", "asker")
        .prefetch_related(
            "themes", Prefetch("supports", queryset=Support.objects.select_related("municipality"))
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class SimilarQuestion:
    question: Question
    score: float
    is_duplicate: bool


def similar_questions(
    text: str,
    *,
    limit: int = 5,
    exclude: tuple[int, ...] = (),
    key: int | None = None,
) -> list[SimilarQuestion]:
    """Public questions like `text`, most similar first, from the shared engine (similarity.py).

    One engine for the hints while typing, the confirmation step, the moderator and the API: the
    accurate tier (multilingual-e5-small and the pair model; a new text costs about 40 ms to
    encode, a text encoded moments ago in this process nothing). `key`: the question that `text`
    is, whose stored vectors are then used instead of encoding it.
    """
    index = similarity.public_index()
    matches = index.query_accurate(text, limit=limit, exclude=exclude, key=key)
    questions = (
        Question.objects.select_related("municipality")
        .annotate(support_count=Count("supports"))
        .in_bulk([m.key for m in matches])
    )
    return [
        SimilarQuestion(question=questions[m.key], score=m.score, is_duplicate=m.is_duplicate)
        for m in matches
        if m.key in questions
    ]


def moderation_queue() -> QuerySet[Question]:
    return (
        Question.objects.filter(status__in=[Question.Status.SUBMITTED, Question.Status.CLARIFICATION])
        .select_related("municipality", "asker")
        .prefetch_related("themes")
        .order_by("created_at", "id")
    )


def current_merge_of(question: Question) -> Merge | None:
    """The merge that holds `question` now (not undone), or None."""
    return Merge.objects.filter(source=question, undone_at__isnull=True).select_related("target").first()


def recent_merges(limit: int = 20) -> QuerySet[Merge]:
    return Merge.objects.select_related("source", "target", "actor").order_by("-created_at")[:limit]


# --- spread: how many municipalities share a question, of which sizes and provinces -------------


@dataclass
class Spread:
    municipality_ids: set[int] = field(default_factory=set)
    supporters: int = 0
    sizes: Counter = field(default_factory=Counter)
    provinces: Counter = field(default_factory=Counter)

    @property
    def municipalities(self) -> int:
        return len(self.municipality_ids)

    def size_labels(self) -> list[tuple[str, int]]:
        labels = dict(Municipality.SizeClass.choices)
        return [(labels.get(size, size), count) for size, count in self.sizes.most_common()]

    def province_labels(self) -> list[tuple[str, int]]:
        return self.provinces.most_common()


def spread_of(questions: list[Question], *, by_cluster: bool = False) -> dict[int, Spread]:
    """Spread per question (or per cluster), from askers and supporters, in two queries."""
    spreads: dict[int, Spread] = defaultdict(Spread)
    keys = [q.pk for q in questions]
    key_of = {q.pk: (q.cluster_id if by_cluster else q.pk) for q in questions}
    places: list[tuple[int, Municipality | None]] = []
    for question in Question.objects.filter(pk__in=keys).select_related("municipality__province"):
        places.append((question.pk, question.municipality))
    for support in Support.objects.filter(question_id__in=keys).select_related("municipality__province"):
        spreads[key_of[support.question_id]].supporters += 1
        places.append((support.question_id, support.municipality))
    seen: set[tuple[int, int]] = set()
    for question_id, municipality in places:
        spread = spreads[key_of[question_id]]
        if municipality is None or (key_of[question_id], municipality.pk) in seen:
            continue
        seen.add((key_of[question_id], municipality.pk))
        spread.municipality_ids.add(municipality.pk)
        if municipality.size_class:
            spread.sizes[municipality.size_class] += 1
        spread.provinces[municipality.province.name] += 1
    return spreads


# --- clusters and ranking ------------------------------------------------------------------------


def weighted_scores(clusters: list[Cluster]) -> dict[int, Decimal | None]:
    """Per cluster: weighted mean over the active criteria of the mean score per criterion."""
    weights = dict(Criterion.objects.filter(is_active=True).values_list("pk", "weight"))
    means: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for cluster_id, criterion_id, value in Score.objects.filter(
        cluster__in=clusters, criterion_id__in=weights
    ).values_list("cluster_id", "criterion_id", "value"):
        means[cluster_id][criterion_id].append(value)
    result: dict[int, Decimal | None] = {}
    for cluster in clusters:
        per_criterion = means.get(cluster.pk)
        total_weight = sum((weights[c] for c in per_criterion), Decimal(0)) if per_criterion else Decimal(0)
        if not per_criterion or not total_weight:
            result[cluster.pk] = None
            continue
        total = sum(weights[c] * Decimal(sum(v)) / len(v) for c, v in per_criterion.items())
        result[cluster.pk] = (total / total_weight).quantize(Decimal("0.01"))
    return result


def _cluster_queryset() -> QuerySet[Cluster]:
    visible = Question.objects.exclude(status=Question.Status.MERGED).select_related("municipality")
    return Cluster.objects.prefetch_related(
        "themes",
        Prefetch("questions", queryset=visible.order_by("id")),
        Prefetch(
            "routes", queryset=Route.objects.select_related("funder", "programme").order_by("-status_date")
        ),
    )


@dataclass
class RankedCluster:
    cluster: Cluster
    score: Decimal | None
    spread: Spread
    rank: int = 0


def ranked(clusters: list[Cluster]) -> list[RankedCluster]:
    """Clusters by weighted jury score (unscored last), then by spread over municipalities."""
    scores = weighted_scores(clusters)
    questions = [q for cluster in clusters for q in cluster.questions.all()]
    spreads = spread_of(questions, by_cluster=True)
    items = [
        RankedCluster(cluster=c, score=scores[c.pk], spread=spreads.get(c.pk, Spread())) for c in clusters
    ]
    items.sort(key=lambda i: (i.score is None, -(i.score or 0), -i.spread.municipalities, i.cluster.title))
    for position, item in enumerate(items, start=1):
        item.rank = position
    return items


def published_agenda(*, theme: Theme | None = None) -> list[RankedCluster]:
    clusters = _cluster_queryset().filter(published_at__isnull=False)
    if theme is not None:
        clusters = clusters.filter(Q(themes=theme) | Q(themes__parent=theme)).distinct()
    return ranked(list(clusters))


def agenda_by_theme() -> list[tuple[Theme | None, list[RankedCluster]]]:
    """The published agenda grouped per main theme (a cluster shows under each of its themes)."""
    items = published_agenda()
    groups: dict[Theme | None, list[RankedCluster]] = defaultdict(list)
    for item in items:
        themes = {t.parent or t for t in item.cluster.themes.all()} if item.cluster.themes.all() else {None}
        for theme in themes:
            groups[theme].append(item)
    return sorted(groups.items(), key=lambda pair: (pair[0] is None, pair[0].label if pair[0] else ""))


def all_clusters() -> list[RankedCluster]:
    return ranked(list(_cluster_queryset()))


def cluster_for_page(pk: int) -> Cluster:
    return _cluster_queryset().prefetch_related("jurors", "routes__updates").get(pk=pk)


def unclustered_questions() -> QuerySet[Question]:
    return Question.objects.filter(status=Question.Status.ACCEPTED, cluster__isnull=True).order_by("id")


def scores_of(cluster: Cluster) -> QuerySet[Score]:
    return cluster.scores.select_related("juror", "criterion").order_by("criterion__order", "juror_id")


def active_criteria() -> QuerySet[Criterion]:
    return Criterion.objects.filter(is_active=True)


def clusters_for_juror(user) -> QuerySet[Cluster]:
    return (
        Cluster.objects.filter(jurors=user)
        .annotate(my_scores=Count("scores", filter=Q(scores__juror=user)))
        .order_by("title")
    )


# --- the member's own page -----------------------------------------------------------------------


def questions_of(user) -> QuerySet[Question]:
    return (
        Question.objects.filter(asker=user)
        .select_related("cluster", "merged_into")
        .prefetch_related(Prefetch("cluster__routes", queryset=Route.objects.select_related("funder")))
        .order_by("-created_at")
    )


def supported_by(user) -> QuerySet[Support]:
    return (
        Support.objects.filter(member=user)
        .select_related("question", "question__cluster")
        .prefetch_related(
            Prefetch("question__cluster__routes", queryset=Route.objects.select_related("funder"))
        )
        .order_by("-created_at")
    )


def notifications_for(user, limit: int = 50) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("question")[:limit]


def theme_section_items(theme: Theme, limit: int) -> list[theme_sections.SectionItem]:
    return [
        theme_sections.SectionItem(
            title=item.cluster.title,
            url=item.cluster.get_absolute_url(),
            meta=ngettext("%(count)d municipality", "%(count)d municipalities", item.spread.municipalities)
            % {"count": item.spread.municipalities},
        )
        for item in published_agenda(theme=theme)[:limit]
    ]
