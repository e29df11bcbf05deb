from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from .models import MunicipalityEmailDomain


class MunicipalityEmailDomainViewSet(ModelViewSet):
    model = MunicipalityEmailDomain
    icon = "mail"
    menu_label = _("Municipal e-mail domains")
    add_to_admin_menu = True
    menu_order = 800
    list_display = ["domain", "municipality", "created_at"]
    search_fields = ["domain", "municipality__name"]
    form_fields = ["municipality", "domain"]
    ordering = ["domain"]


@hooks.register("register_admin_viewset")
def register_domain_viewset():
    return MunicipalityEmailDomainViewSet("gemeentedomeinen")


class RequestsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("accounts.decide_verificationrequest")


@hooks.register("register_admin_menu_item")
def register_requests_menu_item():
    return RequestsMenuItem(
        _("Verification requests"), reverse("accounts:requests"), icon_name="user", order=810
    )


ACTIONS = [
    ("accounts.user.registered", _("Register"), _("Account registered")),
    ("accounts.user.deleted", _("Delete account"), _("Account deleted")),
    ("accounts.email.confirmed", _("Confirm e-mail address"), _("E-mail address confirmed")),
    ("accounts.verification.link_sent", _("Send verification link"), _("Verification link sent")),
    ("accounts.verification.requested", _("Request approval"), _("Approval requested")),
    ("accounts.verification.approved", _("Approve"), _("Verification approved")),
    ("accounts.verification.rejected", _("Reject"), _("Verification rejected")),
    ("accounts.profile.verified", _("Verify"), _("Link to municipality verified")),
    ("accounts.profile.verification_revoked", _("Revoke verification"), _("Verification revoked")),
    ("accounts.profile.changed", _("Change profile"), _("Profile changed")),
    ("accounts.role.added", _("Add role"), _("Role added")),
    ("accounts.role.removed", _("Remove role"), _("Role removed")),
    ("accounts.two_factor.enabled", _("Set up two-step verification"), _("Two-step verification set up")),
]


@hooks.register("register_log_actions")
def register_account_log_actions(actions):
    for action, label, message in ACTIONS:
        actions.register_action(action, label, message)
