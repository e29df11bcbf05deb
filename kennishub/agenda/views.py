"""Pages of the knowledge agenda: public agenda, intake with hints, own page, moderation, jury."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kennishub.accounts.permissions import verified_member_required
from kennishub.accounts.selectors import requires_second_factor
from kennishub.core.exceptions import DomainError
from kennishub.core.models import Theme

from . import exports, forms, selectors, services
from .models import QUESTION_MAX_LENGTH, Cluster, Merge, Question, Route

HINT_MIN_LENGTH = 12
# URL paths are Dutch; the code names the actions in English.
QUESTION_ACTIONS = {
    "accepteren": "accept",
    "verduidelijking": "clarify",
    "samenvoegen": "merge",
    "beantwoorden": "answer",
    "verplaatsen": "move",
}
CLUSTER_ACTIONS = {
    "opslaan": "save",
    "vaststellen": "accept",
    "splitsen": "split",
    "jury": "jury",
    "routeren": "route",
    "publiceren": "publish",
    "intrekken": "unpublish",
    "opheffen": "dissolve",
}


def _staff_permission_required(permission: str) -> Callable:
    """Logged in, holding `permission`, and (staff roles) past the second factor."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.has_perm(permission):
                return render(request, "agenda/forbidden.html", status=403)
            if requires_second_factor(user) and not user.is_verified():
                return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator


broker_required = _staff_permission_required("agenda.moderate_question")
jury_required = _staff_permission_required("agenda.score_cluster")


def _carry_out(request: HttpRequest, action: Callable, success: str) -> bool:
    """Run a service; show `success` or the Dutch message of its DomainError."""
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


# --- public --------------------------------------------------------------------------------------


@require_GET
def agenda_index(request: HttpRequest) -> HttpResponse:
    return render(request, "agenda/index.html", {"groups": selectors.agenda_by_theme()})


@require_GET
def question_list(request: HttpRequest) -> HttpResponse:
    theme = None
    if slug := request.GET.get("thema"):
        theme = Theme.objects.filter(slug=slug).first()
    page = Paginator(selectors.public_questions(theme=theme), 25).get_page(request.GET.get("pagina"))
    themes = Theme.objects.active().top_level()
    return render(request, "agenda/question_list.html", {"page_obj": page, "theme": theme, "themes": themes})


@require_GET
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        question = selectors.question_for_page(pk)
    except Question.DoesNotExist as error:
        raise Http404 from error
    own = request.user.is_authenticated and question.asker_id == request.user.pk
    hidden = not question.is_public and question.status != Question.Status.MERGED
    if hidden and not own and not request.user.has_perm("agenda.moderate_question"):
        raise Http404
    if question.status == Question.Status.MERGED and not own:
        return redirect(question.merged_into)
    return _question_page(request, question, forms.SupportForm())


def _question_page(request: HttpRequest, question: Question, support_form: forms.SupportForm) -> HttpResponse:
    own = request.user.is_authenticated and question.asker_id == request.user.pk
    spread = selectors.spread_of([question]).get(question.pk, selectors.Spread())
    supported = request.user.is_authenticated and any(
        s.member_id == request.user.pk for s in question.supports.all()
    )
    return render(
        request,
        "agenda/question_detail.html",
        {
            "question": question,
            "spread": spread,
            "own": own,
            "supported": supported,
            "support_form": support_form,
        },
    )


@require_GET
def cluster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        cluster = selectors.cluster_for_page(pk)
    except Cluster.DoesNotExist as error:
        raise Http404 from error
    if not cluster.is_published and not request.user.has_perm("agenda.moderate_question"):
        raise Http404
    item = selectors.ranked([cluster])[0]
    return render(request, "agenda/cluster_detail.html", {"cluster": cluster, "item": item})


@require_GET
def export_agenda(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):  # before reading the whole agenda, not after
        raise Http404
    return exports.agenda_response(fmt)


# --- intake --------------------------------------------------------------------------------------


def _submit(request: HttpRequest, form: forms.QuestionForm):
    data = form.cleaned_data
    return services.submit_question(
        member=request.user,
        text=data["text"],
        context=data["context"],
        importance=data["importance"],
        themes=data["themes"],
        urgency=data["urgency"],
        wants_to_participate=data["wants_to_participate"],
    )


@verified_member_required
def submit_question(request: HttpRequest) -> HttpResponse:
    """Ask a question. Without JavaScript, similar questions are shown on a confirmation step.

    With htmx the hints arrive while typing (``similar_hints``); that fragment carries a hidden
    ``confirmed`` field, so a member who has seen the hints is not asked again.
    """
    form = forms.QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("change"):  # back from the confirmation step, with everything as typed
            return render(request, "agenda/submit.html", {"form": form})
        if not request.POST.get("confirmed"):
            similar = selectors.similar_questions(form.cleaned_data["text"])
            if similar:
                return render(request, "agenda/submit_confirm.html", {"form": form, "similar": similar})
        try:
            question = _submit(request, form)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you. Your question has been submitted."))
            return redirect(question)
    return render(request, "agenda/submit.html", {"form": form})


@require_GET
@verified_member_required
def similar_hints(request: HttpRequest) -> HttpResponse:
    """The htmx fragment with similar questions for the text typed so far."""
    # No longer than a question can be (the textarea's maxlength): e5 takes about 1.2 ms a token.
    text = request.GET.get("text", "")[:QUESTION_MAX_LENGTH]
    similar = selectors.similar_questions(text) if len(text.strip()) >= HINT_MIN_LENGTH else []
    return render(request, "agenda/submit.html#hints", {"similar": similar, "searched": bool(text.strip())})


@verified_member_required
def edit_question(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question, pk=pk, asker=request.user)
    if not question.is_editable:
        messages.info(request, _("This question can no longer be changed."))
        return redirect(question)
    initial = {
        "text": question.text,
        "context": question.context,
        "importance": question.importance,
        "themes": question.themes.all(),
        "urgency": question.urgency,
        "wants_to_participate": question.wants_to_participate,
    }
    form = forms.QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.edit_question(question=question, member=request.user, **data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Your question has been changed and goes back to the knowledge broker.")
            )
            return redirect(question)
    return render(request, "agenda/edit.html", {"form": form, "question": question})


@require_http_methods(["GET", "HEAD", "POST"])
@verified_member_required
def support_question(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.public(), pk=pk)
    if request.method != "POST":  # the address stays in the bar after a refused form: reloading it is fine
        return redirect(question)
    form = forms.SupportForm(request.POST)
    if not form.is_valid():
        # The page again with the error at the field and the text as typed, not a redirect that loses both.
        return _question_page(request, selectors.question_for_page(question.pk), form)
    _carry_out(
        request,
        lambda: services.support_question(
            question=question, member=request.user, context=form.cleaned_data["context"]
        ),
        _("Thank you. You now support this question; you will hear what happens with it."),
    )
    return redirect(question)


@verified_member_required
def my_questions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "agenda/my_questions.html",
        {
            "questions": selectors.questions_of(request.user),
            "supports": selectors.supported_by(request.user),
            "notifications": selectors.notifications_for(request.user),
        },
    )


# --- moderation (kennismakelaar) ------------------------------------------------------------------


@broker_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    return _queue_page(request)


MANAGE_PAGE_SIZE = 50  # questions per page of the moderation queue and of the unclustered list


def _queue_page(request: HttpRequest, refused: Form | None = None) -> HttpResponse:
    """The moderation queue, oldest waiting first, a page at a time; after a refused undo it comes
    back with status 400 and the reason."""
    page = Paginator(selectors.moderation_queue(), MANAGE_PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "agenda/manage/queue.html",
        {"page_obj": page, "merges": selectors.recent_merges(), "refused": refused},
        status=400 if refused is not None else 200,
    )


def _refusal(error: DomainError) -> Form:
    """A form without fields that carries a service's refusal, for the error summary of a page."""
    form = Form({})
    form.is_valid()
    form.add_error(None, error.message)
    return form


@broker_required
def moderate_question(request: HttpRequest, pk: int) -> HttpResponse:
    return _moderation_page(request, pk)


def _moderation_page(request: HttpRequest, pk: int, refused: Form | None = None) -> HttpResponse:
    """The moderation page; after a refused action it comes back with status 400, the errors in a
    summary at the top and at the fields, and `refused` (the form as typed) in its empty twin's place.
    """
    try:
        question = selectors.question_for_moderation(pk)
    except Question.DoesNotExist as error:
        raise Http404 from error
    similar = selectors.similar_questions(question.text, limit=8, exclude=(question.pk,), key=question.pk)
    # A merged question leads to the question it went into, and can be taken out again here.
    merge = selectors.current_merge_of(question) if question.status == Question.Status.MERGED else None
    page_forms = {
        "clarify_form": forms.ClarificationForm(),
        "merge_form": forms.MergeForm(),
        "answer_form": forms.AnswerForm(initial=_current_answer(question)),
        "move_form": forms.MoveForm(initial={"cluster": question.cluster}),
    }
    if refused is not None:
        page_forms = {name: refused if type(f) is type(refused) else f for name, f in page_forms.items()}
    return render(
        request,
        "agenda/manage/question.html",
        {
            "question": question,
            "asker": selectors.asker_contact(question, viewer=request.user),
            "supporting": selectors.supporters_by_municipality(question),
            "similar": similar,
            "refused": refused,
            "merge": merge,
            **page_forms,
        },
        status=400 if refused is not None else 200,
    )


def _current_answer(question: Question) -> dict:
    """The answer given so far, to change it without typing it again (nothing for an open question)."""
    if question.status != Question.Status.ANSWERED:
        return {}
    return {
        "answer_text": question.answer_text,
        "answer_url": question.answer_url,
        "answer_product": question.answer_product_id,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@broker_required
def question_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    question = get_object_or_404(Question, pk=pk)
    action = QUESTION_ACTIONS.get(action, "")
    user = request.user
    if request.method != "POST":  # the address stays in the bar after a refused form
        return redirect("agenda:moderate_question", pk=pk)
    make_form, run, success = {
        "accept": (
            Form,
            lambda d: services.accept_question(question=question, actor=user),
            _("The question has been accepted."),
        ),
        "clarify": (
            forms.ClarificationForm,
            lambda d: services.request_clarification(question=question, actor=user, message=d["message"]),
            _("The asker has been asked to clarify the question."),
        ),
        "merge": (
            lambda data: forms.MergeForm(data, source=question),
            lambda d: services.merge_questions(source=question, target=d["target"], actor=user),
            _("The questions have been merged. You can undo this in the list of merges."),
        ),
        "answer": (
            forms.AnswerForm,
            lambda d: services.answer_question(
                question=question,
                actor=user,
                answer_text=d["answer_text"],
                answer_url=d["answer_url"],
                answer_product=d["answer_product"],
            ),
            _("The question has been answered and closed."),
        ),
        "move": (
            forms.MoveForm,
            lambda d: services.move_question(question=question, cluster=d["cluster"], actor=user),
            _("The question has been moved."),
        ),
    }.get(action, (None, None, None))
    if make_form is None:
        raise Http404
    form = make_form(request.POST)
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
    if not form.is_valid():
        # The page again with the errors and everything as typed (a long answer, say), not a
        # redirect that would lose it.
        return _moderation_page(request, pk, refused=form)
    messages.success(request, success)
    if action == "accept":
        return redirect("agenda:moderation_queue")
    return redirect("agenda:moderate_question", pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
@broker_required
def undo_merge(request: HttpRequest, pk: int) -> HttpResponse:
    merge = get_object_or_404(Merge, pk=pk)
    if request.method != "POST":  # a reload of the action address leads back to the list
        return redirect("agenda:moderation_queue")
    try:
        services.undo_merge(merge=merge, actor=request.user)
    except DomainError as error:
        return _queue_page(request, refused=_refusal(error))
    messages.success(request, _("The merge has been undone."))
    return redirect("agenda:moderation_queue")


# --- clusters (kennismakelaar) -------------------------------------------------------------------


@broker_required
def manage_clusters(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.unclustered_questions(), MANAGE_PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "agenda/manage/clusters.html",
        {"clusters": selectors.all_clusters(), "page_obj": page},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@broker_required
def propose_clusters(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":  # a reload of the action address leads back to the list
        return redirect("agenda:manage_clusters")
    created = services.propose_clusters(actor=request.user)
    if created:
        messages.success(
            request,
            _("%(count)d cluster(s) proposed. Check them, write the cluster question and accept.")
            % {"count": len(created)},
        )
    else:
        messages.info(request, _("No new clusters found among the accepted questions outside a cluster."))
    return redirect("agenda:manage_clusters")


@broker_required
def manage_cluster(request: HttpRequest, pk: int) -> HttpResponse:
    return _cluster_page(request, get_object_or_404(Cluster, pk=pk).pk)


def _route_update_form(route: Route, data=None) -> forms.RouteUpdateForm:
    """The status form of one route; its own ids, as the page holds one per route."""
    initial = {
        "status": route.status,
        "result_url": route.result_url,
        "result_product": route.result_product_id,
    }
    return forms.RouteUpdateForm(data, initial=initial, auto_id=f"route{route.pk}_%s")


def _cluster_page(request: HttpRequest, pk: int, refused: dict[str, Form] | None = None) -> HttpResponse:
    """The cluster page; `refused` maps a form's name to the refused form that replaces its empty twin.

    A route's status form is named `route_<pk>`; `action` carries the refusal of a button without
    fields (publish, withdraw, dissolve), shown at the top. A refused page has status 400.
    """
    cluster = selectors.cluster_for_page(pk)
    refused = refused or {}
    page_forms = {
        "cluster_form": forms.ClusterForm(
            initial={
                "title": cluster.title,
                "description": cluster.description,
                "themes": cluster.themes.all(),
            }
        ),
        "split_form": forms.SplitForm(cluster=cluster, auto_id="split_%s"),
        "jury_form": forms.JuryForm(initial={"jurors": cluster.jurors.all()}),
        "route_form": forms.RouteForm(auto_id="new_route_%s"),
    }
    page_forms.update({name: form for name, form in refused.items() if name in page_forms})
    route_forms = [
        (route, refused.get(f"route_{route.pk}") or _route_update_form(route))
        for route in cluster.routes.all()
    ]
    return render(
        request,
        "agenda/manage/cluster.html",
        {
            "cluster": cluster,
            "item": selectors.ranked([cluster])[0],
            "scores": selectors.scores_of(cluster),
            "route_forms": route_forms,
            "action_refused": refused.get("action"),
            **page_forms,
        },
        status=400 if refused else 200,
    )


def _submit_or_refuse(
    request: HttpRequest, form: Form, run: Callable[[dict], object], success: str
) -> Form | None:
    """Run `run` on a valid form and show `success`; otherwise the form, refused with its errors."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, success)
            return None
    return form


@require_http_methods(["GET", "HEAD", "POST"])
@broker_required
def cluster_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    action = CLUSTER_ACTIONS.get(action, "")
    cluster = Cluster.objects.filter(pk=pk).first()
    if cluster is None:
        if action == "dissolve" and request.method == "POST":  # a second tab, or a double click
            messages.info(request, _("This cluster has already been dissolved."))
            return redirect("agenda:manage_clusters")
        raise Http404
    user = request.user
    back = redirect("agenda:manage_cluster", pk=pk)
    if request.method != "POST":  # the address stays in the bar after a refused form
        return back
    if action in ("dissolve", "publish", "unpublish"):
        try:
            if action == "dissolve":
                services.dissolve_cluster(cluster=cluster, actor=user)
            else:
                services.publish_cluster(cluster=cluster, actor=user, publish=action == "publish")
        except DomainError as error:
            return _cluster_page(request, pk, refused={"action": _refusal(error)})
        if action == "dissolve":
            messages.success(request, _("The cluster has been dissolved."))
            return redirect("agenda:manage_clusters")
        messages.success(
            request,
            _("The cluster is on the published agenda.")
            if action == "publish"
            else _("The cluster has been withdrawn from the agenda."),
        )
        return back
    created = {}  # a split's new cluster: the broker goes on there, to write its cluster question
    # action: (name of the form on the page, the form with the posted data, the service call, success)
    handlers = {
        "save": (
            "cluster_form",
            forms.ClusterForm,
            lambda d: services.update_cluster(
                cluster=cluster,
                actor=user,
                title=d["title"],
                description=d["description"],
                themes=d["themes"],
            ),
            _("The cluster has been saved."),
        ),
        "accept": (
            "cluster_form",
            forms.ClusterForm,
            lambda d: services.accept_cluster(
                cluster=cluster,
                actor=user,
                title=d["title"],
                description=d["description"],
                themes=d["themes"],
            ),
            _("The cluster has been accepted."),
        ),
        "split": (
            "split_form",
            lambda data: forms.SplitForm(data, cluster=cluster, auto_id="split_%s"),
            lambda d: created.setdefault(
                "cluster",
                services.split_cluster(
                    cluster=cluster, questions=d["questions"], actor=user, title=d["title"]
                ),
            ),
            _("A new cluster has been made from the chosen questions."),
        ),
        "jury": (
            "jury_form",
            forms.JuryForm,
            lambda d: services.set_jurors(cluster=cluster, jurors=d["jurors"], actor=user),
            _("The jury has been saved."),
        ),
        "route": (
            "route_form",
            lambda data: forms.RouteForm(data, auto_id="new_route_%s"),
            lambda d: services.route_cluster(
                cluster=cluster,
                funder=d["funder"],
                programme=d["programme"],
                on=d["on"],
                note=d["note"],
                actor=user,
            ),
            _("The cluster has been routed; askers and supporters have been told."),
        ),
    }
    if action not in handlers:
        raise Http404
    name, form_class, run, success = handlers[action]
    refused = _submit_or_refuse(request, form_class(request.POST), run, success)
    if refused is None:
        return redirect("agenda:manage_cluster", pk=created["cluster"].pk) if created else back
    # The page again with the errors at the fields and everything as typed, not a redirect that loses both.
    return _cluster_page(request, pk, refused={name: refused})


@require_http_methods(["GET", "HEAD", "POST"])
@broker_required
def route_update(request: HttpRequest, pk: int) -> HttpResponse:
    route = get_object_or_404(Route, pk=pk)
    if request.method != "POST":  # the address stays in the bar after a refused form
        return redirect("agenda:manage_cluster", pk=route.cluster_id)
    refused = _submit_or_refuse(
        request,
        _route_update_form(route, request.POST),
        lambda d: services.update_route(
            route=route,
            status=d["status"],
            on=d["on"],
            note=d["note"],
            result_url=d["result_url"],
            result_product=d["result_product"],
            actor=request.user,
        ),
        _("The status has been recorded; askers and supporters have been told."),
    )
    if refused is None:
        return redirect("agenda:manage_cluster", pk=route.cluster_id)
    return _cluster_page(request, route.cluster_id, refused={f"route_{route.pk}": refused})


# --- jury ----------------------------------------------------------------------------------------


@jury_required
def jury_clusters(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "agenda/jury/list.html",
        {
            "clusters": selectors.clusters_for_juror(request.user),
            "criteria_count": selectors.active_criteria().count(),
        },
    )


@jury_required
def score_cluster(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_object_or_404(Cluster.objects.filter(jurors=request.user), pk=pk)
    cluster = selectors.cluster_for_page(cluster.pk)
    criteria = list(selectors.active_criteria())
    existing = {s.criterion_id: s for s in cluster.scores.filter(juror=request.user)}
    form = forms.ScoreForm(request.POST or None, criteria=criteria, existing=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.score_cluster(cluster=cluster, juror=request.user, scores=form.scores())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your scores and reasons have been saved."))
            return redirect("agenda:jury_clusters")
    item = selectors.ranked([cluster])[0]
    return render(
        request,
        "agenda/jury/score.html",
        {"cluster": cluster, "item": item, "form": form},
        status=400 if form.is_bound else 200,  # bound here: refused
    )
