"""Wagtail admin for the catalogue: providers, their feeds, courses (the collective flag), reports."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Course, Feed, Provider


class ProviderViewSet(ModelViewSet):
    model = Provider
    icon = "group"
    form_fields = ["organisation", "code", "website", "members"]
    list_display = ["organisation", "code", "website"]
    search_fields = ["code", "organisation__name"]
    copy_view_enabled = False


class FeedViewSet(ModelViewSet):
    model = Feed
    icon = "download"
    form_fields = [
        "provider",
        "name",
        "format",
        "channel",
        "url",
        "upload",
        "interval",
        "grace_period",
        "default_themes",
        "is_active",
        "next_harvest_at",
    ]
    list_display = ["name", "provider", "format", "next_harvest_at", "is_active"]
    list_filter = ["format", "is_active"]
    search_fields = ["name", "url"]
    copy_view_enabled = False


class CourseViewSet(ModelViewSet):
    """Courses come from feeds; staff only mark collectively contracted offer and its member price."""

    model = Course
    icon = "doc-full"
    add_view_enabled = False
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["is_collective", "collective_note", "member_price"]
    list_display = ["title", "provider", "status", "is_collective", "next_start"]
    list_filter = ["status", "is_collective", "kind"]
    search_fields = ["title", "code", "external_id"]


class CatalogueViewSetGroup(ViewSetGroup):
    menu_label = _("Courses and training")
    menu_icon = "doc-full"
    menu_order = 700
    items = (ProviderViewSet("aanbieders"), FeedViewSet("feeds"), CourseViewSet("opleidingen"))


@hooks.register("register_admin_viewset")
def register_catalogue_viewsets():
    return CatalogueViewSetGroup()


class HarvestReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("catalogue.view_harvestrun")


@hooks.register("register_admin_menu_item")
def register_harvest_reports_menu_item():
    return HarvestReportsMenuItem(
        _("Harvest reports"), reverse("catalogue:harvest_list"), icon_name="list-ul", order=701
    )
