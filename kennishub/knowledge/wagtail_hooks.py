"""The Kennisbank in the Wagtail admin: programmes as snippets, the review list and its one-click
action; and the second factor before staff open a submitted file that is not public yet."""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from kennishub.accounts.selectors import requires_second_factor

from . import admin_views, attachments
from .models import KnowledgeProductPage, Programme


class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    icon = "folder-open-inverse"
    list_display = ["name", "end_date", "archived_at"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("organisation"),
        FieldPanel("start_date"),
        FieldPanel("end_date"),
    ]


register_snippet(ProgrammeViewSet)


@hooks.register("register_admin_urls")
def _review_urls():
    return [
        path("kennisbank/te-beoordelen/", admin_views.review_due, name="knowledge_review_due"),
        path(
            "kennisbank/<int:page_id>/beoordeeld/", admin_views.mark_reviewed, name="knowledge_mark_reviewed"
        ),
    ]


@hooks.register("register_admin_menu_item")
def _review_menu_item():
    return MenuItem(_("Due for review"), reverse("knowledge_review_due"), icon_name="date", order=250)


class MarkReviewedMenuItem(ActionMenuItem):
    """In the edit view's action menu: posts the edit form's CSRF token to the one-click action."""

    label = _("Mark as reviewed")
    name = "action-mark-reviewed"
    template_name = "knowledge/admin/mark_reviewed_action.html"
    order = 60

    def is_shown(self, context):
        page = context.get("page")
        return (
            context["view"] == "edit"
            and isinstance(page, KnowledgeProductPage)
            and page.live
            and self.get_user_page_permissions_tester(context).can_edit()
        )

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        page = parent_context["page"]
        context["url"] = reverse("knowledge_mark_reviewed", args=[page.pk])
        context["next"] = reverse("wagtailadmin_pages:edit", args=[page.pk])
        return context


@hooks.register("register_page_action_menu_item")
def _mark_reviewed_action():
    return MarkReviewedMenuItem()


@hooks.register("before_serve_document")
def second_factor_for_submitted_files(document, request):
    """A file in the private collection of submissions opens for editors only (the collection's
    restriction, checked by Wagtail); like the admin, it asks staff for their second factor first."""
    user = request.user
    if not user.is_authenticated or not attachments.is_private(document):
        return None
    if requires_second_factor(user) and not getattr(user, "is_verified", lambda: False)():
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('accounts:two_factor')}?{query}")
    return None
