"""Forms of the session pages: shape and values only; the rules live in services."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from kennishub.accounts.models import Profile
from kennishub.core.models import AdministrativeRole, Municipality, Theme

from .models import Registration, Session
from .services import Colleague

MAX_TEAM = 25


def mode_field(session: Session) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("How will you attend?"),
        choices=[(mode, Registration.Mode(mode).label) for mode in session.modes()],
        widget=forms.RadioSelect,
        initial=session.modes()[0],
    )


class ModeFormMixin:
    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        if len(session.modes()) > 1:
            self.fields["mode"] = mode_field(session)

    def chosen_mode(self) -> str:
        return self.cleaned_data.get("mode") or self.session.modes()[0]


class RegisterForm(ModeFormMixin, forms.Form):
    pass


class TeamForm(ModeFormMixin, forms.Form):
    colleagues = forms.CharField(
        label=_("Colleagues"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One colleague per line: name, comma, e-mail address. For example: Jan Jansen, jan@gemeente.nl"
        ),
        max_length=5000,
    )
    include_self = forms.BooleanField(label=_("I will attend myself as well"), required=False, initial=True)

    def clean_colleagues(self) -> list[Colleague]:
        colleagues, errors = [], []
        lines = [line.strip() for line in self.cleaned_data["colleagues"].splitlines()]
        for number, line in enumerate(lines, start=1):
            if not line:
                continue
            name, _sep, email = line.rpartition(",")
            email = email.strip()
            try:
                validate_email(email)
            except ValidationError:
                errors.append(
                    _("Line %(line)d: “%(email)s” is not a valid e-mail address.")
                    % {"line": number, "email": email}
                )
                continue
            if not name.strip():
                errors.append(_("Line %(line)d: the name is missing.") % {"line": number})
                continue
            colleagues.append(Colleague(name=name.strip(), email=email.lower()))
        if errors:
            raise ValidationError(errors)
        if not colleagues:
            raise ValidationError(_("Add at least one colleague."))
        if len(colleagues) > MAX_TEAM:
            raise ValidationError(_("A team has at most %(max)d colleagues.") % {"max": MAX_TEAM})
        return colleagues


class ReplaceForm(forms.Form):
    name = forms.CharField(label=_("Name of the colleague who takes the place"), max_length=150)
    email = forms.EmailField(label=_("E-mail address of the colleague who takes the place"))

    def colleague(self) -> Colleague:
        return Colleague(name=self.cleaned_data["name"].strip(), email=self.cleaned_data["email"].lower())


class GuestForm(ModeFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.active().order_by("name")
    )
    role_kind = forms.ChoiceField(
        label=_("Kind of role"), choices=Profile.RoleKind.choices, widget=forms.RadioSelect
    )
    administrative_role = forms.ModelChoiceField(
        label=_("Administrative role"),
        queryset=AdministrativeRole.objects.all(),
        required=False,
        help_text=_("Only for administrators."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("administrative_role") and cleaned.get("role_kind") != Profile.RoleKind.ADMINISTRATIVE:
            self.add_error(
                "administrative_role",
                _("Only choose an administrative role if your kind of role is administrative."),
            )
        return cleaned


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    thema = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.active(), required=False, to_field_name="slug"
    )
    vorm = forms.ChoiceField(
        label=_("Format"), choices=[("", _("All formats")), *Session.Format.choices], required=False
    )
    doelgroep = forms.ChoiceField(
        label=_("Audience"),
        choices=[
            ("", _("Everyone")),
            ("bestuurders", _("administrators")),
            ("ambtenaren", _("civil servants")),
        ],
        required=False,
    )
    soort = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Session.Kind.choices], required=False
    )


class EvaluationForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How useful was this session for your work? (1 = not at all, 5 = very)"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to all participants)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Give a reason for cancelling.")},
    )


class NotifyChangeForm(forms.Form):
    message = forms.CharField(
        label=_("What has changed? (sent to all participants)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Describe what has changed.")},
    )


class VerifyCertificateForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=20)
