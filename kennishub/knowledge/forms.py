"""The public form with which a member of a municipality submits a good practice."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db.models import Case, Value, When
from django.forms.boundfield import BoundWidget
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from kennishub.core.models import Municipality, Province, Theme
from kennishub.core.validators import validate_upload

# What a member may attach: reports, plans, spreadsheets and presentations, each checked by content.
ATTACHMENT_TYPES = ("pdf", "odt", "docx", "ods", "xlsx", "odp", "pptx")


@dataclass(frozen=True)
class ProvinceGroup:
    """The checkboxes of the municipalities of one province, shown as one disclosure."""

    province: Province
    choices: list[BoundWidget]
    open: bool


@dataclass(frozen=True)
class MunicipalityChoices:
    own: BoundWidget | None  # the member's own municipality, shown first and outside the groups
    groups: list[ProvinceGroup]


class PracticeSubmissionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("Say in a few words what you did."))
    summary = forms.CharField(
        label=_("Summary"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Two or three sentences in plain language: the problem, what you did and for whom."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("How did you go about it? Who took part? What would you do differently?"),
    )
    results = forms.CharField(
        label=_("Results"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What did it bring? Figures are welcome. Optional."),
    )
    # Checkboxes per province instead of a <select multiple>: that needs ctrl-click, which keyboard,
    # screen reader and phone users can hardly do (GOV.UK and NL Design System advise against it).
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities"),
        queryset=Municipality.objects.active().select_related("province").order_by("province__name", "name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The municipality or municipalities where this practice took place."),
        error_messages={
            "invalid_choice": _(
                "Choose municipalities from the list only: one of the chosen municipalities no longer exists."
            ),
        },
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.active().top_level().order_by("label"),
        widget=forms.CheckboxSelectMultiple,
    )
    attachment = forms.FileField(
        label=_("File (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ",".join(f".{extension}" for extension in ATTACHMENT_TYPES)}),
    )
    contact_consent = forms.BooleanField(
        label=_("Other municipalities may see my name as contact for this practice."),
        required=False,
    )

    def __init__(self, *args, member_municipality: Municipality | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member_municipality = member_municipality
        self.fields["attachment"].help_text = _(
            "One file, such as a report, a plan or a presentation: PDF, ODT, DOCX, ODS, XLSX, ODP or "
            "PPTX, at most %(max)s. Only the editors can open it until your practice is published."
        ) % {"max": filesizeformat(settings.KH_MAX_UPLOAD_BYTES)}
        if member_municipality is not None:
            field = self.fields["municipalities"]
            # The own municipality first: it is shown up front, and the error summary links to the
            # first checkbox (id_municipalities_0), which must not hide in a closed province.
            first = Case(When(pk=member_municipality.pk, then=Value(0)), default=Value(1))
            field.queryset = field.queryset.order_by(first, "province__name", "name")
            if not self.is_bound:
                self.initial.setdefault("municipalities", [member_municipality.pk])

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            validate_upload(upload, types=ATTACHMENT_TYPES)  # by content and size, not by name alone
        return upload

    @property
    def attachment_to_choose_again(self) -> str:
        """The name of the file the member chose when the form comes back with errors, else "".

        A browser never keeps a chosen file when a page comes back, so the member must choose it again.
        """
        upload = self.files.get("attachment") if self.is_bound else None
        return upload.name if upload and self.errors else ""

    def municipality_choices(self) -> MunicipalityChoices:
        """The member's own municipality up front, the others grouped per province.

        A group is open when it holds a chosen municipality or is the member's own province, so a
        form that comes back with errors shows every choice; when the field itself has an error
        and nothing else is open, the first group opens, where the error summary links to.
        """
        own, groups = None, []
        own_pk = self.member_municipality.pk if self.member_municipality else None
        own_province = self.member_municipality.province_id if self.member_municipality else None
        for choice in self["municipalities"]:
            municipality = choice.data["value"].instance
            if municipality.pk == own_pk:
                own = choice
                continue
            if not groups or groups[-1]["province"].pk != municipality.province_id:
                groups.append({"province": municipality.province, "choices": [], "open": False})
            group = groups[-1]
            group["choices"].append(choice)
            chosen_or_own = choice.data["selected"] or municipality.province_id == own_province
            group["open"] = group["open"] or chosen_or_own
        if self["municipalities"].errors and own is None and groups and not any(g["open"] for g in groups):
            groups[0]["open"] = True
        return MunicipalityChoices(own=own, groups=[ProvinceGroup(**group) for group in groups])
