"""Wagtail admin screens for the reference data, under one menu "Referentiegegevens".

Work fields, administrative roles and organisations are edited here by beheerders. Provinces,
municipalities and themes come from official sources (see core/data/SOURCES.md) and are loaded by
``manage.py load_reference_data``: here they can be looked up, and only a few fields changed.
"""

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from kennishub.core.models import (
    AdministrativeRole,
    Municipality,
    Organisation,
    Province,
    Theme,
    WorkField,
)


class SourceManagedPermissionPolicy(ModelPermissionPolicy):
    """Django's model permissions, minus the actions that belong to the source file."""

    def __init__(self, model, *, locked_actions: set[str]):
        super().__init__(model)
        self.locked_actions = locked_actions

    def user_has_permission(self, user, action):
        return action not in self.locked_actions and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a not in self.locked_actions])


# Rows of these models are created and removed only by the loader, which keeps their source codes.
register_permission_policy(
    Province, SourceManagedPermissionPolicy(Province, locked_actions={"add", "change", "delete"})
)
register_permission_policy(
    Municipality, SourceManagedPermissionPolicy(Municipality, locked_actions={"add", "delete"})
)
register_permission_policy(Theme, SourceManagedPermissionPolicy(Theme, locked_actions={"add", "delete"}))


class MunicipalityIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("province")


class ThemeIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("parent")


class WorkFieldViewSet(ModelViewSet):
    model = WorkField
    icon = "folder-open-inverse"
    form_fields = ["name", "slug", "description", "is_active"]
    list_display = ["name", "slug", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "description"]
    copy_view_enabled = False
    inspect_view_enabled = True


class AdministrativeRoleViewSet(ModelViewSet):
    model = AdministrativeRole
    icon = "user"
    form_fields = ["name", "slug", "description", "order"]
    list_display = ["name", "slug", "order"]
    search_fields = ["name", "description"]
    copy_view_enabled = False
    inspect_view_enabled = True


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    form_fields = ["name", "slug", "abbreviation", "kind", "website", "description", "province", "parent"]
    list_display = ["name", "abbreviation", "kind", "website"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "abbreviation", "description"]
    copy_view_enabled = False
    inspect_view_enabled = True


class ThemeViewSet(ModelViewSet):
    model = Theme
    icon = "tag"
    form_fields = ["label", "is_active"]  # code, URI and place in the tree come from the TOP-lijst
    list_display = ["label", "parent", "code", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["label", "code"]
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = ThemeIndexView


class MunicipalityViewSet(ModelViewSet):
    model = Municipality
    icon = "site"
    form_fields = ["is_active"]  # the CBS fields come from gemeenten.csv
    list_display = ["name", "code", "province", "population", "is_active"]
    list_filter = ["province", "is_active"]
    search_fields = ["name", "code"]
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50
    index_view_class = MunicipalityIndexView


class ProvinceViewSet(ModelViewSet):
    model = Province
    icon = "globe"
    form_fields = ["name"]  # never shown: changing provinces is locked above
    list_display = ["name", "code", "tooi_uri"]
    search_fields = ["name", "code"]
    copy_view_enabled = False
    inspect_view_enabled = True


class ReferenceDataViewSetGroup(ViewSetGroup):
    menu_label = _("Reference data")
    menu_icon = "list-ul"
    menu_order = 800
    items = (
        WorkFieldViewSet("werkvelden"),
        AdministrativeRoleViewSet("bestuurlijke-rollen"),
        OrganisationViewSet("organisaties"),
        ThemeViewSet("themas"),
        MunicipalityViewSet("gemeenten"),
        ProvinceViewSet("provincies"),
    )


@hooks.register("register_admin_viewset")
def register_reference_data_viewsets():
    return ReferenceDataViewSetGroup()


@hooks.register("insert_global_admin_js")
def start_widgets_without_inline_scripts():
    """admin-csp.js on every admin page: it starts the choosers and panels whose inline scripts our
    CSP would block (admin_choosers.py, templates/wagtailadmin/), also in forms added later."""
    return format_html('<script src="{}"></script>', static("core/js/admin-csp.js"))
