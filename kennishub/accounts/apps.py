from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "kennishub.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    default = True

    def ready(self):
        from . import personal_data, signals

        signals.connect()
        personal_data.register_own_exporters()


class UsersAppConfig(WagtailUsersAppConfig):
    """wagtail.users, with a user form that fits our user model (one name field)."""

    default = False
    user_viewset = "kennishub.accounts.wagtail_users.UserViewSet"
