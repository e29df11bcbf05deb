"""Wagtail's own account page (/beheer/account/), fitted to our user model: one name field.

Wagtail's "Name and e-mail" panel asks for a required first and last name, but our model keeps one
``full_name`` (``User.first_name`` is a read-only property for Wagtail's lists). Its form dropped
the name and still said "saved". This panel edits ``full_name`` through the accounts service, the
same field the profile page at /account/profiel/wijzigen/ changes.

Wagtail builds its panel list inside ``AccountView.get_panels`` and has no hook to replace a
built-in panel, so ``kennishub/urls.py`` routes /beheer/account/ to the subclass below.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.forms.account import NameEmailForm
from wagtail.admin.views import account

from . import services


class AccountNameEmailForm(NameEmailForm):
    first_name = None
    last_name = None
    full_name = forms.CharField(
        label=_("Name"),
        max_length=150,
        error_messages={"required": _("Enter your name.")},
    )

    class Meta(NameEmailForm.Meta):
        fields = ["full_name", "email"]

    def clean_email(self):
        # Addresses are stored in lower case; the login form looks them up in lower case.
        return self.cleaned_data["email"].strip().lower()

    def save(self, commit=True):
        return services.update_account_details(
            user=self.instance,
            actor=self.instance,
            full_name=self.cleaned_data["full_name"],
            email=self.cleaned_data.get("email"),
        )


class NameEmailSettingsPanel(account.NameEmailSettingsPanel):
    form_class = AccountNameEmailForm


class AccountView(account.AccountView):
    def get_panels(self):
        return [
            NameEmailSettingsPanel(panel.request, panel.user, panel.profile)
            if type(panel) is account.NameEmailSettingsPanel
            else panel
            for panel in super().get_panels()
        ]


# The decorators Wagtail puts on its own admin URLs.
account_view = never_cache(require_admin_access(AccountView.as_view()))
