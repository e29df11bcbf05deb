"""Reads of the knowledge agenda for pages, the API, exports and other apps."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import ngettext

from kennishub.accounts.models import Profile
from kennishub.core import theme_sections
from kennishub.core.models import Municipality, Theme

from . import similarity
from .models import Cluster, Criterion, Merge, Notification, Question, Route, Score, Support


def support_count() -> Subquery:
    """The number of supports of each question, as a subquery: counted for the rows of a page only,
    where ``Count("supports")`` would join and group every question before the page is cut."""
    supports = Support.objects.filter(question=OuterRef("pk")).order_by().values("question")
    return Coalesce(Subquery(supports.annotate(n=Count("pk")).values("n")), 0)


def public_questions(*, theme: Theme | None = None) -> QuerySet[Question]:
    questions = Question.objects.public()
    if theme is not None:
        questions = questions.filter(Q(themes=theme) | Q(themes__parent=theme)).distinct()
    return (
        questions.defer("embedding")
        .select_related("municipality", "cluster")
        .prefetch_related("themes")
        .annotate(support_count=support_count())
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
        Question.objects.defer("embedding")  # 3.5 KB of vectors each, which the hints do not show
        .select_related("municipality")
        .annotate(support_count=support_count())
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
        .defer("embedding")
        .select_related("municipality__province")
        .prefetch_related("themes")
        .annotate(support_count=support_count())
        .order_by("created_at", "id")
    )


def question_for_moderation(pk: int) -> Question:
    """A question with what the moderation page shows: asker, places and roles of its supporters."""
    return (
        Question.objects.defer("embedding")
        .select_related("municipality__province", "asker", "cluster", "answer_product")
        .prefetch_related(
            Prefetch("supports", queryset=Support.objects.select_related("municipality__province"))
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class AskerContact:
    """The asker's name and e-mail address, for a knowledge broker who needs to ask them something."""

    name: str
    email: str


def asker_contact(question: Question, *, viewer) -> AskerContact | None:
    """Name and e-mail of the asker, only for a `viewer` who may moderate; None without an asker.

    Least personal data: public pages, the API and the exports never show them.
    """
    if question.asker is None or not viewer.has_perm("agenda.moderate_question"):
        return None
    return AskerContact(name=question.asker.full_name, email=question.asker.email)


@dataclass
class SupportingMunicipality:
    """The supporters of a question from one municipality (None: not known), counted per role."""

    municipality: Municipality | None
    supporters: int = 0
    roles: Counter = field(default_factory=Counter)

    def role_labels(self) -> list[tuple[str, int]]:
        labels = dict(Profile.RoleKind.choices)
        return [(labels.get(role, role), count) for role, count in self.roles.most_common() if role]


@dataclass
class SupportOverview:
    groups: list[SupportingMunicipality]

    @property
    def supporters(self) -> int:
        return sum(group.supporters for group in self.groups)

    @property
    def municipalities(self) -> int:
        return sum(1 for group in self.groups if group.municipality is not None)


def supporters_by_municipality(question: Question) -> SupportOverview:
    """The supports of `question` per municipality, most supporters first, with their roles (no names)."""
    groups: dict[int | None, SupportingMunicipality] = {}
    for support in question.supports.all():
        group = groups.setdefault(
            support.municipality_id, SupportingMunicipality(municipality=support.municipality)
        )
        group.supporters += 1
        group.roles[support.role_kind] += 1
    ordered = sorted(
        groups.values(),
        key=lambda g: (g.municipality is None, -g.supporters, g.municipality.name if g.municipality else ""),
    )
    return SupportOverview(groups=ordered)


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
    """Spread per question (or per cluster), from askers and supporters, in two small queries."""
    ordered = sorted(questions, key=lambda q: (q.created_at, q.pk), reverse=True)
    key_of = {q.pk: (q.cluster_id if by_cluster else q.pk) for q in ordered}
    if by_cluster:  # a join on the clusters: a list of thousands of question ids is slow to plan
        supports = Support.objects.filter(question__cluster_id__in={q.cluster_id for q in ordered})
    else:
        supports = Support.objects.filter(question_id__in=list(key_of))
    return _spreads(
        [(key_of[q.pk], q.municipality_id) for q in ordered],
        [
            (key_of[question_id], municipality_id)
            for question_id, municipality_id in supports.values_list("question_id", "municipality_id")
            if question_id in key_of  # not a merged question of the cluster
        ],
    )


def _cluster_spreads(cluster_ids: list[int]) -> dict[int, Spread]:
    """Spread per cluster from ids alone: the same as ``spread_of(questions, by_cluster=True)``."""
    visible = Question.objects.public().filter(cluster_id__in=cluster_ids)
    askers = visible.order_by("-created_at", "-id").values_list("cluster_id", "municipality_id")
    supports = Support.objects.filter(question__in=visible).values_list(
        "question__cluster_id", "municipality_id"
    )
    return _spreads(list(askers), list(supports))


def _spreads(
    askers: list[tuple[int, int | None]], supports: list[tuple[int, int | None]]
) -> dict[int, Spread]:
    """Spreads from (key, municipality id) of the askers and of the supports: ids, not rows, and each
    municipality read once, so an agenda of thousands of questions stays tens of milliseconds."""
    spreads: dict[int, Spread] = defaultdict(Spread)
    for key, _municipality_id in supports:
        spreads[key].supporters += 1
    places = askers + supports
    municipalities = Municipality.objects.select_related("province").in_bulk(
        {municipality_id for _, municipality_id in places if municipality_id is not None}
    )
    seen: set[tuple[int, int]] = set()
    for key, municipality_id in places:
        spread = spreads[key]
        if municipality_id is None or (key, municipality_id) in seen:
            continue
        seen.add((key, municipality_id))
        municipality = municipalities[municipality_id]
        spread.municipality_ids.add(municipality_id)
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


def _cluster_queryset(*, with_questions: bool = True) -> QuerySet[Cluster]:
    """Clusters with themes and routes, and their questions unless only counted (`question_count`).

    A cluster's questions are its public ones (accepted or answered, as on /api/v1/kennisvragen):
    not merged ones, and never a submitted or clarification question, whatever put it there.
    """
    clusters = Cluster.objects.prefetch_related(
        "themes__parent",
        Prefetch(
            "routes", queryset=Route.objects.select_related("funder", "programme").order_by("-status_date")
        ),
    )
    if not with_questions:
        public = Q(questions__status__in=Question.PUBLIC_STATUSES)
        return clusters.annotate(question_count=Count("questions", filter=public, distinct=True))
    visible = (
        Question.objects.public()
        # What cluster pages, the agenda and its exports show of a question: not the long texts.
        .defer("embedding", "context", "importance", "moderator_message", "answer_text")
        .select_related("municipality")
    )
    return clusters.prefetch_related(Prefetch("questions", queryset=visible.order_by("id")))


@dataclass
class RankedCluster:
    cluster: Cluster
    score: Decimal | None
    spread: Spread
    rank: int = 0
    question_count: int = 0  # its questions that were not merged


def ranked(clusters: list[Cluster], *, spreads: dict[int, Spread] | None = None) -> list[RankedCluster]:
    """Clusters by weighted jury score (unscored last), then by spread over municipalities.

    Without `spreads`, from the clusters' prefetched questions; with them (``_cluster_spreads``),
    the clusters carry `question_count` instead."""
    scores = weighted_scores(clusters)
    if spreads is None:
        questions = [q for cluster in clusters for q in cluster.questions.all()]
        spreads = spread_of(questions, by_cluster=True)
    items = [
        RankedCluster(
            cluster=c,
            score=scores[c.pk],
            spread=spreads.get(c.pk, Spread()),
            question_count=c.question_count if hasattr(c, "question_count") else len(c.questions.all()),
        )
        for c in clusters
    ]
    items.sort(key=lambda i: (i.score is None, -(i.score or 0), -i.spread.municipalities, i.cluster.title))
    for position, item in enumerate(items, start=1):
        item.rank = position
    return items


def published_agenda(*, theme: Theme | None = None, with_questions: bool = True) -> list[RankedCluster]:
    """The published clusters in rank order; `with_questions=False` for pages that only count them."""
    clusters = _cluster_queryset(with_questions=with_questions).filter(published_at__isnull=False)
    if theme is not None:
        clusters = clusters.filter(Q(themes=theme) | Q(themes__parent=theme)).distinct()
    clusters = list(clusters)
    if with_questions:
        return ranked(clusters)
    return ranked(clusters, spreads=_cluster_spreads([c.pk for c in clusters]))


def agenda_by_theme() -> list[tuple[Theme | None, list[RankedCluster]]]:
    """The published agenda grouped per main theme (a cluster shows under each of its themes)."""
    items = published_agenda(with_questions=False)
    groups: dict[Theme | None, list[RankedCluster]] = defaultdict(list)
    for item in items:
        themes = {t.parent or t for t in item.cluster.themes.all()} if item.cluster.themes.all() else {None}
        for theme in themes:
            groups[theme].append(item)
    return sorted(groups.items(), key=lambda pair: (pair[0] is None, pair[0].label if pair[0] else ""))


def all_clusters() -> list[RankedCluster]:
    """Every cluster ranked, for the broker's list: counted from ids, not with all their questions
    (150 clusters hold 12,000 questions at national scale)."""
    clusters = list(_cluster_queryset(with_questions=False))
    return ranked(clusters, spreads=_cluster_spreads([c.pk for c in clusters]))


def cluster_for_page(pk: int) -> Cluster:
    return _cluster_queryset().prefetch_related("jurors", "routes__updates").get(pk=pk)


def unclustered_questions() -> QuerySet[Question]:
    return (
        Question.objects.filter(status=Question.Status.ACCEPTED, cluster__isnull=True)
        .defer("embedding")
        .order_by("id")
    )


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
        for item in published_agenda(theme=theme, with_questions=False)[:limit]
    ]
