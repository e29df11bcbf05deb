from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from kennishub.core.models import AdministrativeRole, Municipality, Theme, WorkField

from . import selectors
from .models import Profile, User, validate_role_fields
from .tasks import send_account_mail

# Django 6.1 reworded this validator message and its own Dutch catalogue lacks it; marking it here
# puts it in our catalogue, so the error stays Dutch until Django's translation catches up.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)


class UtrechtWidgetsMixin:
    """Give every widget the NL Design System (Utrecht) class for its kind."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                css = "utrecht-checkbox utrecht-checkbox--html-input"
            elif isinstance(widget, forms.Select):
                css = "utrecht-select utrecht-select--html-select"
            elif isinstance(widget, forms.Textarea):
                css = "utrecht-textarea utrecht-textarea--html-textarea"
            else:
                css = "utrecht-textbox utrecht-textbox--html-input"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class LoginForm(UtrechtWidgetsMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail address or password is not correct. Please try again."),
        "inactive": _("This account is not active."),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class RoleFieldsMixin:
    def clean(self):
        cleaned = super().clean()
        try:
            validate_role_fields(
                role_kind=cleaned.get("role_kind"),
                administrative_role=cleaned.get("administrative_role"),
                work_field=cleaned.get("work_field"),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field, message)
        return cleaned


def _municipality_field():
    return forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.active(),
        empty_label=_("Choose your municipality"),
        help_text=_("The municipality you work for."),
        error_messages={"required": _("Choose the municipality you work for.")},
    )


def _role_kind_field():
    return forms.ChoiceField(
        label=_("Kind of role"),
        choices=[("", _("Choose your kind of role")), *Profile.RoleKind.choices],
        error_messages={"required": _("Choose whether you work as an administrator or as a civil servant.")},
    )


def _administrative_role_field():
    return forms.ModelChoiceField(
        label=_("Administrative role (optional)"),
        queryset=AdministrativeRole.objects.all(),
        required=False,
        empty_label=_("No choice"),
        help_text=_("Only for administrators, for example alderman or council member."),
    )


def _work_field_field():
    return forms.ModelChoiceField(
        label=_("Field of work (optional)"),
        queryset=WorkField.objects.filter(is_active=True),
        required=False,
        empty_label=_("No choice"),
        help_text=_("Only for civil servants."),
    )


class RegistrationForm(UtrechtWidgetsMixin, RoleFieldsMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("You log in with this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Enter your e-mail address.")},
    )
    full_name = forms.CharField(
        label=_("Name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name.")},
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password and not only digits."),
        error_messages={"required": _("Choose a password.")},
    )
    password2 = forms.CharField(
        label=_("Repeat password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Repeat your password.")},
    )

    def __init__(self, *args, **kwargs):
        self.base_fields["municipality"] = _municipality_field()
        self.base_fields["role_kind"] = _role_kind_field()
        self.base_fields["administrative_role"] = _administrative_role_field()
        self.base_fields["work_field"] = _work_field_field()
        super().__init__(*args, **kwargs)
        # Promise immediate verification only where a registered domain can give it.
        if selectors.any_email_domain_known():
            self.fields["email"].help_text = _(
                "You log in with this address. If Kennishub knows the e-mail domain of your "
                "municipality, your work address verifies you at once; otherwise an administrator "
                "checks your account by hand."
            )
        else:
            self.fields["email"].help_text = _(
                "You log in with this address. An administrator of Kennishub checks by hand that you "
                "work for the municipality you choose."
            )

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        if password1:
            probe = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(UtrechtWidgetsMixin, RoleFieldsMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name.")},
    )

    def __init__(self, *args, **kwargs):
        self.base_fields["municipality"] = _municipality_field()
        self.base_fields["role_kind"] = _role_kind_field()
        self.base_fields["administrative_role"] = _administrative_role_field()
        self.base_fields["work_field"] = _work_field_field()
        self.base_fields["themes"] = forms.ModelMultipleChoiceField(
            label=_("Themes you follow"),
            queryset=Theme.objects.active().top_level(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        super().__init__(*args, **kwargs)


class WorkEmailForm(UtrechtWidgetsMixin, forms.Form):
    email = forms.EmailField(
        label=_("Work e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Enter your work e-mail address.")},
    )


class ApprovalRequestForm(UtrechtWidgetsMixin, forms.Form):
    explanation = forms.CharField(
        label=_("Explanation (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example your department and position, so an administrator can check it."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason (optional)"), max_length=1000, required=False)


class TokenForm(UtrechtWidgetsMixin, forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": _("Enter the code.")},
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())


class DeleteAccountForm(UtrechtWidgetsMixin, forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password to confirm.")},
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not correct."))
        return password


class QueuedPasswordResetForm(UtrechtWidgetsMixin, PasswordResetForm):
    """Django's password reset, with the mail sent by a task after the request."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Enter your e-mail address.")},
    )

    def save(self, *args, **kwargs):
        """Queue one mail per active account at the address; say nothing about the outcome."""
        for user in self.get_users(self.cleaned_data["email"]):
            path = reverse(
                "accounts:password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
            link = settings.SITE_URL.rstrip("/") + path
            send_account_mail.enqueue(to=[user.email], template="password_reset", context={"link": link})


class UtrechtSetPasswordForm(UtrechtWidgetsMixin, SetPasswordForm):
    pass
