"""The Wagtail user admin for our user model: one name field instead of first and last name.

Installed through ``apps.UsersAppConfig`` in place of ``wagtail.users`` (see INSTALLED_APPS).
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

FIELDS = {"email", "full_name", "is_superuser", "groups"}


class AccountUserCreationForm(UserCreationForm):
    first_name = None
    last_name = None
    full_name = forms.CharField(label=_("Name"), max_length=150, required=False)

    class Meta(UserCreationForm.Meta):
        fields = FIELDS


class AccountUserEditForm(UserEditForm):
    first_name = None
    last_name = None
    full_name = forms.CharField(label=_("Name"), max_length=150, required=False)

    class Meta(UserEditForm.Meta):
        fields = FIELDS | {"is_active"}


class UserViewSet(WagtailUserViewSet):
    template_prefix = "accounts/wagtailusers/"

    def get_form_class(self, for_update=False):
        return AccountUserEditForm if for_update else AccountUserCreationForm
