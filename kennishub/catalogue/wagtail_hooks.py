"""Wagtail admin for the catalogue: providers, their feeds, courses (the collective flag), reports."""

from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.views.generic.models import EditView, IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from . import admin_views, services
from .models import Course, Feed, Provider


class FeedIndexView(IndexView):
    """The feed list with "Harvest now" per feed and "All feeds that are due" in the header."""

    def _can_harvest(self) -> bool:
        return self.request.user.has_perm("catalogue.run_harvest")

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self._can_harvest():
            buttons.append(
                HeaderButton(
                    _("All feeds that are due"),
                    url=reverse("catalogue_admin_harvest_due"),
                    icon_name="download",
                )
            )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self._can_harvest():
            buttons.insert(
                0,
                ListingMenuItem(
                    _("Harvest now"),
                    url=reverse("catalogue_admin_harvest_feed", args=[instance.pk]),
                    icon_name="download",
                    priority=5,
                ),
            )
        return buttons


class CourseEditView(EditView):
    def save_instance(self):
        # Staff change only the collective flag and member price; the service keeps the facets true.
        course = self.form.save(commit=False)
        return services.update_collective(course=course, actor=self.request.user)


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
    index_view_class = FeedIndexView
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
    edit_view_class = CourseEditView
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


@hooks.register("register_admin_urls")
def register_harvest_admin_urls():
    return [
        path(
            "opleidingen/feeds/<int:pk>/oogsten/",
            admin_views.harvest_feed,
            name="catalogue_admin_harvest_feed",
        ),
        path(
            "opleidingen/oogsten/aan-de-beurt/", admin_views.harvest_due, name="catalogue_admin_harvest_due"
        ),
    ]


class DemandMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("catalogue.view_interest")


@hooks.register("register_admin_menu_item")
def register_demand_menu_item():
    return DemandMenuItem(_("Demand from members"), reverse("catalogue:demand"), icon_name="user", order=702)
