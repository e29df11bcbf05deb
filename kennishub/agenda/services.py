"""Every write of the knowledge agenda: intake, support, moderation, clusters, scores, routes, import.

Each service is one transaction, writes its audit entry and tells the askers and supporters of the
questions it touches (a ``Notification`` row plus an e-mail queued after the commit).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kennishub.accounts.models import User
from kennishub.accounts.selectors import is_verified_member, profile_of
from kennishub.core import audit
from kennishub.core.exceptions import DomainError
from kennishub.core.models import Organisation, Theme

from . import clustering, similarity
from .models import (
    QUESTION_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Cluster,
    Criterion,
    Merge,
    Notification,
    Programme,
    Question,
    Route,
    RouteUpdate,
    Score,
    Support,
)
from .tasks import send_notification_mail

for _action, _label in [
    ("agenda.question.submitted", gettext_lazy("Knowledge question submitted")),
    ("agenda.question.edited", gettext_lazy("Knowledge question edited")),
    ("agenda.question.accepted", gettext_lazy("Knowledge question accepted")),
    ("agenda.question.clarification_requested", gettext_lazy("Clarification requested")),
    ("agenda.question.merged", gettext_lazy("Knowledge questions merged")),
    ("agenda.question.merge_undone", gettext_lazy("Merge undone")),
    ("agenda.question.answered", gettext_lazy("Knowledge question answered")),
    ("agenda.question.moved", gettext_lazy("Knowledge question moved to another cluster")),
    ("agenda.question.imported", gettext_lazy("Knowledge question imported")),
    ("agenda.support.given", gettext_lazy("Support given to a knowledge question")),
    ("agenda.cluster.proposed", gettext_lazy("Cluster proposed")),
    ("agenda.cluster.accepted", gettext_lazy("Cluster accepted")),
    ("agenda.cluster.changed", gettext_lazy("Cluster changed")),
    ("agenda.cluster.split", gettext_lazy("Cluster split")),
    ("agenda.cluster.dissolved", gettext_lazy("Cluster dissolved")),
    ("agenda.cluster.published", gettext_lazy("Cluster published")),
    ("agenda.cluster.jury_changed", gettext_lazy("Jury of a cluster changed")),
    ("agenda.cluster.scored", gettext_lazy("Cluster scored")),
    ("agenda.route.created", gettext_lazy("Cluster routed to a funder")),
    ("agenda.route.updated", gettext_lazy("Status of a route changed")),
]:
    audit.register_action(_action, _label)


# --- errors --------------------------------------------------------------------------------------


class AgendaError(DomainError):
    code = "agenda"


class NotAllowed(AgendaError):
    code = "niet-toegestaan"


class InvalidState(AgendaError):
    code = "ongeldige-status"


class AlreadySupported(AgendaError):
    code = "al-gesteund"


# --- notifications -------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def people_of(question: Question) -> list[User]:
    """The asker and every supporter of `question`, each once, active accounts only."""
    users = {}
    if question.asker_id and question.asker.is_active:
        users[question.asker_id] = question.asker
    for support in question.supports.select_related("member").filter(member__is_active=True):
        users.setdefault(support.member_id, support.member)
    return list(users.values())


def notify(question: Question, message: str, *, recipients: Iterable[User] | None = None) -> int:
    """Tell the people of `question` (or `recipients`) `message`: on their page and by mail."""
    recipients = list(people_of(question) if recipients is None else recipients)
    Notification.objects.bulk_create(
        [Notification(recipient=user, question=question, message=message) for user in recipients]
    )
    link = _absolute(question.get_absolute_url())
    my_page = _absolute(reverse("agenda:my_questions"))
    for user in recipients:
        context = {
            "name": user.get_full_name(),
            "message": message,
            "question": question.text,
            "link": link,
            "my_page": my_page,
        }
        transaction.on_commit(partial(send_notification_mail.enqueue, to=[user.email], context=context))
    return len(recipients)


# --- intake --------------------------------------------------------------------------------------


def _clean(value: str, *, label: str, required: bool = False, max_length: int = TEXT_MAX_LENGTH) -> str:
    value = (value or "").strip()
    if required and not value:
        raise AgendaError(_("%(field)s: fill this in.") % {"field": label})
    if len(value) > max_length:
        raise AgendaError(
            _("%(field)s: use at most %(max)d characters (now %(count)d).")
            % {"field": label, "max": max_length, "count": len(value)}
        )
    return value


def _require_member(user) -> None:
    if not is_verified_member(user):
        raise NotAllowed(_("Only members whose link to a municipality is verified may do this."))


@transaction.atomic
def submit_question(
    *,
    member: User,
    text: str,
    context: str = "",
    importance: str = "",
    themes: Iterable[Theme] = (),
    urgency: str = Question.Urgency.MEDIUM,
    wants_to_participate: bool = False,
) -> Question:
    """File a new question for `member`, recording their municipality and role from the profile.

    Raises NotAllowed for anyone but a verified member, AgendaError for an empty or too long text.
    """
    _require_member(member)
    profile = profile_of(member)
    text = _clean(text, label=_("Question"), required=True, max_length=QUESTION_MAX_LENGTH)
    question = Question.objects.create(
        text=text,
        context=_clean(context, label=_("Context")),
        importance=_clean(importance, label=_("Why it matters")),
        urgency=urgency,
        wants_to_participate=wants_to_participate,
        asker=member,
        municipality=profile.municipality,
        role_kind=profile.role_kind,
        embedding=similarity.embedding_bytes(text),
        embedding_model=similarity.embedding_model(),
    )
    question.themes.set(themes)
    audit.record(question, "agenda.question.submitted", actor=member)
    notify(
        question,
        _("We have received your question. A knowledge broker will look at it soon."),
        recipients=[member],
    )
    return question


@transaction.atomic
def edit_question(
    *,
    question: Question,
    member: User,
    text: str,
    context: str = "",
    importance: str = "",
    themes: Iterable[Theme] = (),
    urgency: str = Question.Urgency.MEDIUM,
    wants_to_participate: bool = False,
) -> Question:
    """Let the asker change their question while it waits for (clarified) moderation."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.asker_id != member.pk:
        raise NotAllowed(_("Only the asker may change this question."))
    if not question.is_editable:
        raise InvalidState(_("This question can no longer be changed."))
    question.text = _clean(text, label=_("Question"), required=True, max_length=QUESTION_MAX_LENGTH)
    question.context = _clean(context, label=_("Context"))
    question.importance = _clean(importance, label=_("Why it matters"))
    question.urgency = urgency
    question.wants_to_participate = wants_to_participate
    question.status = Question.Status.SUBMITTED
    question.embedding = similarity.embedding_bytes(question.text)
    question.embedding_model = similarity.embedding_model()
    question.save()
    question.themes.set(themes)
    audit.record(question, "agenda.question.edited", actor=member)
    return question


@transaction.atomic
def support_question(*, question: Question, member: User, context: str = "") -> Support:
    """Add `member` as a supporter ("deze vraag heb ik ook") with their own context.

    Raises NotAllowed (not a verified member, own question, question not public) or AlreadySupported.
    """
    _require_member(member)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if not question.is_public:
        raise InvalidState(_("Only questions on the agenda can be supported."))
    if question.asker_id == member.pk:
        raise NotAllowed(_("You asked this question yourself."))
    if question.supports.filter(member=member).exists():
        raise AlreadySupported(_("You already support this question."))
    profile = profile_of(member)
    support = Support.objects.create(
        question=question,
        member=member,
        municipality=profile.municipality,
        role_kind=profile.role_kind,
        context=_clean(context, label=_("Your context")),
    )
    audit.record(question, "agenda.support.given", actor=member, data={"support": support.pk})
    return support


# --- moderation ----------------------------------------------------------------------------------


def _lock(question: Question) -> Question:
    return Question.objects.select_for_update().get(pk=question.pk)


@transaction.atomic
def accept_question(*, question: Question, actor: User) -> Question:
    question = _lock(question)
    if question.status not in (Question.Status.SUBMITTED, Question.Status.CLARIFICATION):
        raise InvalidState(_("Only a submitted question can be accepted."))
    question.status = Question.Status.ACCEPTED
    question.moderator_message = ""
    question.save(update_fields=["status", "moderator_message", "updated_at"])
    audit.record(question, "agenda.question.accepted", actor=actor)
    notify(question, _("Your question has been accepted and is now on the knowledge agenda."))
    return question


@transaction.atomic
def request_clarification(*, question: Question, actor: User, message: str) -> Question:
    """Ask the asker to clarify; they get the message and may edit the question."""
    question = _lock(question)
    if question.status not in (Question.Status.SUBMITTED, Question.Status.CLARIFICATION):
        raise InvalidState(_("Clarification can only be asked for a submitted question."))
    if not (question.asker_id and question.asker.is_active):
        # Nobody would hear of it, and nobody could change the question: it would wait for ever.
        raise InvalidState(
            _("This question has no asker who can be reached: accept, merge or answer it instead.")
        )
    message = _clean(message, label=_("Message"), required=True)
    question.status = Question.Status.CLARIFICATION
    question.moderator_message = message
    question.save(update_fields=["status", "moderator_message", "updated_at"])
    audit.record(question, "agenda.question.clarification_requested", actor=actor, data={"message": message})
    if question.asker_id:
        notify(
            question,
            _("The knowledge broker asks you to clarify your question: %(message)s") % {"message": message},
            recipients=[question.asker],
        )
    return question


@transaction.atomic
def merge_questions(*, source: Question, target: Question, actor: User) -> Merge:
    """Merge duplicate `source` into `target`; supports and the asker move along, nobody is lost.

    A supporter who already supports `target` keeps their support row on `source` (still there,
    restored by an undo). The asker of `source` becomes a supporter of `target`. Undo with
    ``undo_merge``. Raises InvalidState for a merge into itself or of an already merged question.
    """
    if source.pk == target.pk:
        raise InvalidState(_("A question cannot be merged into itself."))
    locked = {q.pk: q for q in Question.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
    source, target = locked[source.pk], locked[target.pk]
    if Question.Status.MERGED in (source.status, target.status):
        raise InvalidState(_("This question has already been merged into another one."))
    merge = Merge.objects.create(source=source, target=target, previous_status=source.status, actor=actor)
    on_target = set(target.supports.values_list("member_id", flat=True)) | {target.asker_id}
    movable = source.supports.exclude(member_id__in=[m for m in on_target if m is not None])
    moved = list(movable.values_list("pk", flat=True))
    movable.update(question=target)
    merge.moved_support_ids = moved
    merge.save(update_fields=["moved_support_ids"])
    # The municipality of an asker who is no longer known (or was imported) still counts for the breadth.
    if source.asker_id is None or source.asker_id not in on_target:
        Support.objects.create(
            question=target,
            member=source.asker,
            municipality=source.municipality,
            role_kind=source.role_kind,
            context=source.text if not source.context else f"{source.text}\n\n{source.context}",
            from_merge=merge,
        )
    source.status = Question.Status.MERGED
    source.merged_into = target
    source.save(update_fields=["status", "merged_into", "updated_at"])
    audit.record(source, "agenda.question.merged", actor=actor, data={"into": target.pk, "merge": merge.pk})
    message = _("Your question has been merged with a question that asks the same: “%(target)s”.") % {
        "target": target.text
    }
    recipients = {user.pk: user for user in people_of(target)}
    if source.asker_id and source.asker.is_active:
        recipients.setdefault(source.asker_id, source.asker)
    for support in source.supports.select_related("member"):  # supporters that stayed behind
        if support.member and support.member.is_active:
            recipients.setdefault(support.member_id, support.member)
    moved_people = set(Support.objects.filter(pk__in=moved).values_list("member_id", flat=True))
    told = [u for pk, u in recipients.items() if pk == source.asker_id or pk in moved_people]
    notify(source, message, recipients=told)
    return merge


@transaction.atomic
def undo_merge(*, merge: Merge, actor: User) -> Merge:
    """Put everything of `merge` back: status, supports and the asker's support on the target."""
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise InvalidState(_("This merge has already been undone."))
    source = _lock(merge.source)
    if source.status != Question.Status.MERGED or source.merged_into_id != merge.target_id:
        raise InvalidState(_("This merge can no longer be undone."))
    # After A -> B and B -> C, the supports that came from A sit on C: undoing A -> B now would
    # leave them there. The later merge has to be undone first; then everything goes back.
    if _lock(merge.target).status == Question.Status.MERGED:
        raise InvalidState(_("The remaining question has since been merged itself. Undo that merge first."))
    Support.objects.filter(pk__in=merge.moved_support_ids, question_id=merge.target_id).update(
        question=source
    )
    Support.objects.filter(from_merge=merge).delete()
    source.status = merge.previous_status
    source.merged_into = None
    source.save(update_fields=["status", "merged_into", "updated_at"])
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_at"])
    audit.record(source, "agenda.question.merge_undone", actor=actor, data={"merge": merge.pk})
    notify(source, _("The merge of your question has been undone. Your question is on its own again."))
    return merge


@transaction.atomic
def answer_question(
    *, question: Question, actor: User, answer_text: str, answer_url: str = "", answer_product=None
) -> Question:
    """Close `question` with existing knowledge: a text, and a knowledge product or a link."""
    question = _lock(question)
    if question.status == Question.Status.MERGED:
        raise InvalidState(_("A merged question cannot be answered; answer the remaining question."))
    answer_text = _clean(answer_text, label=_("Answer"), required=True)
    if not answer_url.strip() and answer_product is None:
        raise AgendaError(_("Choose a knowledge product or give a link to the knowledge that answers it."))
    question.status = Question.Status.ANSWERED
    question.answer_text = answer_text
    question.answer_url = answer_url.strip()
    question.answer_product = answer_product
    question.save(update_fields=["status", "answer_text", "answer_url", "answer_product", "updated_at"])
    audit.record(question, "agenda.question.answered", actor=actor, data={"url": question.answer_link})
    message = _("Your question has been answered with existing knowledge: %(answer)s") % {
        "answer": answer_text
    }
    if question.answer_link:
        message += " " + _("Read more: %(url)s") % {
            "url": _absolute(question.answer_link)
            if question.answer_link.startswith("/")
            else question.answer_link
        }
    notify(question, message)
    return question


# --- clusters ------------------------------------------------------------------------------------


@transaction.atomic
def propose_clusters(*, actor: User | None) -> list[Cluster]:
    """Propose clusters among the accepted questions that are in no cluster yet (see clustering.py).

    The proposal's title is its most central question until a knowledge broker writes the
    overarching cluster question.
    """
    rows = list(
        Question.objects.filter(status=Question.Status.ACCEPTED, cluster__isnull=True)
        .order_by("id")
        .values_list("id", "text", "embedding", "embedding_model")
    )
    if len(rows) < 2:
        return []
    index = similarity.SimilarityIndex(
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] if r[3] == similarity.ENCODER_VERSION else None for r in rows],
    )
    texts = {r[0]: r[1] for r in rows}
    created = []
    for keys, cohesion, central in clustering.propose(index):
        cluster = Cluster.objects.create(title=texts[central][:QUESTION_MAX_LENGTH], cohesion=cohesion)
        Question.objects.filter(pk__in=keys).update(cluster=cluster)
        theme_ids = Theme.objects.filter(agenda_questions__in=keys).values_list("id", flat=True).distinct()
        cluster.themes.set(theme_ids)
        audit.record(cluster, "agenda.cluster.proposed", actor=actor, data={"questions": keys})
        created.append(cluster)
    return created


def _require_unpublished(cluster: Cluster) -> None:
    if cluster.is_published:
        raise InvalidState(_("Withdraw the cluster from the agenda before you change its questions."))


@transaction.atomic
def update_cluster(
    *, cluster: Cluster, actor: User, title: str, description: str = "", themes: Iterable[Theme] | None = None
) -> Cluster:
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    cluster.title = _clean(title, label=_("Cluster question"), required=True, max_length=QUESTION_MAX_LENGTH)
    cluster.description = _clean(description, label=_("Explanation"))
    cluster.save()
    if themes is not None:
        cluster.themes.set(themes)
    audit.record(cluster, "agenda.cluster.changed", actor=actor)
    return cluster


@transaction.atomic
def accept_cluster(
    *, cluster: Cluster, actor: User, title: str, description: str = "", themes: Iterable[Theme] | None = None
) -> Cluster:
    """Fix a proposal as a cluster under the overarching `title`, and tell the people of its questions.

    One transaction with the edit of the cluster question: a refused accept changes nothing.
    """
    cluster = update_cluster(
        cluster=cluster, actor=actor, title=title, description=description, themes=themes
    )
    if not cluster.questions.exists():
        raise InvalidState(_("A cluster needs at least one question."))
    was_proposed = cluster.status == Cluster.Status.PROPOSED
    cluster.status = Cluster.Status.ACCEPTED
    cluster.save(update_fields=["status", "updated_at"])
    audit.record(cluster, "agenda.cluster.accepted", actor=actor)
    if was_proposed:
        for question in cluster.questions.exclude(status=Question.Status.MERGED):
            notify(
                question,
                _("Your question is part of the cluster “%(cluster)s” of related questions.")
                % {"cluster": cluster.title},
            )
    return cluster


@transaction.atomic
def split_cluster(
    *, cluster: Cluster, questions: Iterable[Question], actor: User, title: str = ""
) -> Cluster:
    """Move `questions` out of `cluster` into a new proposed cluster."""
    _require_unpublished(cluster)
    keys = [q.pk for q in questions]
    chosen = cluster.questions.filter(pk__in=keys)
    if not chosen.exists():
        raise AgendaError(_("Choose the questions that go to the new cluster."))
    if chosen.count() == cluster.questions.count():
        raise AgendaError(_("Leave at least one question in the original cluster."))
    title = title.strip() or chosen.first().text
    new = Cluster.objects.create(
        title=_clean(title, label=_("Cluster question"), max_length=QUESTION_MAX_LENGTH)
    )
    new.themes.set(cluster.themes.all())
    moved = list(chosen.values_list("pk", flat=True))
    chosen.update(cluster=new)
    audit.record(cluster, "agenda.cluster.split", actor=actor, data={"new": new.pk, "questions": moved})
    return new


@transaction.atomic
def move_question(*, question: Question, cluster: Cluster | None, actor: User) -> Question:
    """Put `question` in `cluster`, or take it out of any cluster with None."""
    question = _lock(question)
    for affected in filter(None, [question.cluster, cluster]):
        _require_unpublished(affected)
    if question.status not in (Question.Status.ACCEPTED,):
        raise InvalidState(_("Only accepted questions can be placed in a cluster."))
    previous = question.cluster_id
    question.cluster = cluster
    question.save(update_fields=["cluster", "updated_at"])
    audit.record(
        question, "agenda.question.moved", actor=actor, data={"from": previous, "to": cluster and cluster.pk}
    )
    return question


@transaction.atomic
def dissolve_cluster(*, cluster: Cluster, actor: User) -> None:
    """Undo a proposal: its questions become unclustered again. Not for published or routed clusters."""
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    _require_unpublished(cluster)
    if cluster.routes.exists():
        raise InvalidState(_("A cluster that has been routed to a funder cannot be dissolved."))
    keys = list(cluster.questions.values_list("pk", flat=True))
    cluster.questions.update(cluster=None)
    audit.record(
        cluster, "agenda.cluster.dissolved", actor=actor, data={"questions": keys, "title": cluster.title}
    )
    cluster.delete()


@transaction.atomic
def publish_cluster(*, cluster: Cluster, actor: User, publish: bool = True) -> Cluster:
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    if publish and cluster.status != Cluster.Status.ACCEPTED:
        raise InvalidState(_("Accept the cluster and write its cluster question before you publish it."))
    cluster.published_at = timezone.now() if publish else None
    cluster.save(update_fields=["published_at", "updated_at"])
    audit.record(cluster, "agenda.cluster.published", actor=actor, data={"published": publish})
    if publish:
        for question in cluster.questions.exclude(status=Question.Status.MERGED):
            notify(question, _("The cluster with your question is now on the published knowledge agenda."))
    return cluster


# --- jury ----------------------------------------------------------------------------------------


@transaction.atomic
def set_jurors(*, cluster: Cluster, jurors: Iterable[User], actor: User) -> None:
    jurors = list(jurors)
    for juror in jurors:
        if not juror.has_perm("agenda.score_cluster"):
            raise NotAllowed(_("%(name)s is not a jury member.") % {"name": juror.get_full_name()})
    cluster.jurors.set(jurors)
    audit.record(cluster, "agenda.cluster.jury_changed", actor=actor, data={"jurors": [j.pk for j in jurors]})


@transaction.atomic
def score_cluster(*, cluster: Cluster, juror: User, scores: Mapping[int, tuple[int, str]]) -> list[Score]:
    """Keep `juror`'s score and reason per active criterion (criterion id → (value, reason)).

    Raises NotAllowed when the juror is not assigned to the cluster, AgendaError for a value
    outside the scale, a missing reason or a missing criterion.
    """
    if not cluster.jurors.filter(pk=juror.pk).exists() or not juror.has_perm("agenda.score_cluster"):
        raise NotAllowed(_("You have not been asked to score this cluster."))
    low, high = Score.SCALE
    saved = []
    for criterion in Criterion.objects.filter(is_active=True):
        if criterion.pk not in scores:
            raise AgendaError(_("%(criterion)s: give a score.") % {"criterion": criterion.name})
        value, reason = scores[criterion.pk]
        if not isinstance(value, int) or not low <= value <= high:
            raise AgendaError(
                _("%(criterion)s: give a score from %(low)d to %(high)d.")
                % {"criterion": criterion.name, "low": low, "high": high}
            )
        reason = _clean(reason, label=criterion.name, required=True)
        score, _created = Score.objects.update_or_create(
            cluster=cluster, juror=juror, criterion=criterion, defaults={"value": value, "reason": reason}
        )
        saved.append(score)
    audit.record(
        cluster, "agenda.cluster.scored", actor=juror, data={str(s.criterion_id): s.value for s in saved}
    )
    return saved


# --- routes --------------------------------------------------------------------------------------


def _route_message(route: Route) -> str:
    return _("The cluster with your question, “%(cluster)s”, at %(funder)s: %(status)s.") % {
        "cluster": route.cluster.title,
        "funder": route.funder.name,
        "status": route.get_status_display(),
    }


@transaction.atomic
def route_cluster(
    *,
    cluster: Cluster,
    funder: Organisation,
    actor: User,
    programme: Programme | None = None,
    on: date | None = None,
    note: str = "",
) -> Route:
    """Put `cluster` before `funder` (status voorgelegd) and tell everyone behind its questions."""
    if funder.kind != Organisation.Kind.FUNDER:
        raise AgendaError(_("Choose a research funder."))
    if programme is not None and programme.funder_id != funder.pk:
        raise AgendaError(_("The programme does not belong to this funder."))
    if cluster.status != Cluster.Status.ACCEPTED:
        raise InvalidState(_("Accept the cluster before you route it to a funder."))
    on = on or timezone.localdate()
    route = Route.objects.create(
        cluster=cluster, funder=funder, programme=programme, status=Route.Status.SUBMITTED, status_date=on
    )
    RouteUpdate.objects.create(route=route, status=route.status, date=on, note=note.strip(), actor=actor)
    audit.record(route, "agenda.route.created", actor=actor, data={"funder": funder.slug})
    for question in cluster.questions.exclude(status=Question.Status.MERGED):
        notify(question, _route_message(route))
    return route


@transaction.atomic
def update_route(
    *,
    route: Route,
    status: str,
    actor: User,
    on: date | None = None,
    note: str = "",
    result_url: str = "",
    result_product=None,
) -> Route:
    """Record a new status of `route` with its date; tell askers and supporters."""
    route = Route.objects.select_for_update().select_related("cluster", "funder").get(pk=route.pk)
    if status not in Route.Status.values:
        raise AgendaError(_("Choose a valid status."))
    route.status = status
    route.status_date = on or timezone.localdate()
    if result_url:
        route.result_url = result_url.strip()
    if result_product is not None:
        route.result_product = result_product
    route.save()
    RouteUpdate.objects.create(
        route=route, status=status, date=route.status_date, note=note.strip(), actor=actor
    )
    audit.record(route, "agenda.route.updated", actor=actor, data={"status": status})
    message = _route_message(route)
    link = route.result_link
    if link and status == Route.Status.DELIVERED:
        message += " " + _("The result: %(url)s") % {"url": _absolute(link) if link.startswith("/") else link}
    for question in route.cluster.questions.exclude(status=Question.Status.MERGED):
        notify(question, message)
    return route


# --- import --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rejection:
    record: str  # "regel 14"
    field: str
    reason: str


@dataclass
class ImportReport:
    created: list[Question] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


@transaction.atomic
def import_questions(*, records: list[dict], source: str, actor: User | None = None) -> list[Question]:
    """Write already validated `records` (see importing.parse_questions) as accepted questions.

    All or nothing: the caller only calls this when no row was rejected.
    """
    from kennishub.core.models import Municipality

    questions = []
    texts = [record["text"] for record in records]
    vectors = similarity.encode(texts) if similarity.encoder_enabled() else [None] * len(texts)
    municipalities = {
        m.code: m for m in Municipality.objects.filter(code__in={r["municipality"] for r in records})
    }
    for record, vector in zip(records, vectors, strict=True):
        question = Question.objects.create(
            text=record["text"],
            context=record["context"],
            importance=record["importance"],
            urgency=record["urgency"],
            municipality=municipalities.get(record["municipality"]),
            role_kind=record["role_kind"],
            status=Question.Status.ACCEPTED,
            source=source[:100],
            embedding=None if vector is None else vector.tobytes(),
            embedding_model=similarity.embedding_model(),
        )
        question.themes.set(record["themes"])
        audit.record(question, "agenda.question.imported", actor=actor, data={"source": source})
        questions.append(question)
    return questions


def store_missing_embeddings(*, everything: bool = False, batch: int = 100) -> int:
    """Encode and store the vectors of questions that lack the current ``similarity.ENCODER_VERSION``'s.

    After an encoder upgrade (or with `everything`) every question is re-encoded, `batch` at a
    time, each batch in its own transaction. Returns how many questions were encoded.
    """
    if not similarity.encoder_enabled():
        return 0
    questions = Question.objects.all()
    if not everything:
        questions = questions.exclude(embedding_model=similarity.ENCODER_VERSION)
    pending = list(questions.order_by("id").values_list("id", "text"))
    for start in range(0, len(pending), batch):
        chunk = pending[start : start + batch]
        vectors = similarity.encode([text for _pk, text in chunk])
        with transaction.atomic():
            for (pk, text), vector in zip(chunk, vectors, strict=True):
                # update(), not save(): the text did not change, so neither does updated_at.
                Question.objects.filter(pk=pk, text=text).update(
                    embedding=vector.tobytes(), embedding_model=similarity.ENCODER_VERSION
                )
    similarity.clear_cache()
    return len(pending)
