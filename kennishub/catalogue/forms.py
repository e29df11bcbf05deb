from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .harvest import registry
from .models import CourseRun

PRICE_RANGES = {
    "gratis": (_("free"), None, 0),
    "tot-500": (_("up to € 500"), 0, 500),
    "500-1500": (_("€ 500 to € 1,500"), 500, 1500),
    "vanaf-1500": (_("€ 1,500 or more"), 1500, None),
}
LOAD_RANGES = {
    "tot-8": (_("up to 8 hours"), None, 8),
    "8-40": (_("8 to 40 hours"), 8, 40),
    "vanaf-40": (_("40 hours or more"), 40, None),
}
FEED_EXTENSIONS = (".xml", ".json", ".html", ".htm", ".csv", ".xlsx")
SORTS = {"start": _("start date"), "prijs": _("price"), "relevantie": _("relevance")}


class CatalogueFilterForm(forms.Form):
    """The query string of the catalogue page (GET). Field names are the Dutch URL parameters."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    thema = forms.MultipleChoiceField(label=_("Theme"), required=False, choices=())
    rol = forms.MultipleChoiceField(label=_("Administrative role"), required=False, choices=())
    werkveld = forms.MultipleChoiceField(label=_("Field of work"), required=False, choices=())
    vorm = forms.MultipleChoiceField(label=_("Format"), required=False, choices=CourseRun.Format.choices)
    # A course shows its lowest price excluding VAT, or including VAT when the provider states only
    # that; the ranges compare that same amount and never convert it with a guessed rate.
    prijs = forms.MultipleChoiceField(
        label=_("Price as shown"),
        help_text=_(
            "Compares the “from” price shown with each course: excluding VAT, or including VAT when the "
            "provider gives only that price. We never convert one into the other; sorting by price "
            "uses the same amounts."
        ),
        required=False,
        choices=[(k, v[0]) for k, v in PRICE_RANGES.items()],
    )
    provincie = forms.MultipleChoiceField(label=_("Province"), required=False, choices=())
    aanbieder = forms.MultipleChoiceField(label=_("Provider"), required=False, choices=())
    studiebelasting = forms.MultipleChoiceField(
        label=_("Study load"), required=False, choices=[(k, v[0]) for k, v in LOAD_RANGES.items()]
    )
    collectief = forms.BooleanField(label=_("Only collectively contracted offer"), required=False)
    van = forms.DateField(
        label=_("Starts on or after"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tot = forms.DateField(
        label=_("Starts on or before"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sorteer = forms.ChoiceField(label=_("Sort by"), required=False, choices=list(SORTS.items()))

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for name, options in choices.items():
            self.fields[name].choices = options

    def clean(self):
        data = super().clean()
        if data.get("van") and data.get("tot") and data["tot"] < data["van"]:
            raise ValidationError({"tot": _("This date lies before the “starts on or after” date.")})
        return data


class DryRunForm(forms.Form):
    """A provider tests a feed before publishing it: a URL or a file, in one of our formats."""

    provider = forms.ModelChoiceField(label=_("Provider"), queryset=None, empty_label=None)
    format = forms.ChoiceField(label=_("Format"), choices=())
    url = forms.URLField(label=_("Address of the feed"), required=False, assume_scheme="https")
    file = forms.FileField(label=_("Or upload the file"), required=False)

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["format"].choices = registry.choices()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            from .harvest.fetch import MAX_BYTES

            # The parser checks the content itself; the extension only keeps obvious mistakes out.
            if not upload.name.lower().endswith(FEED_EXTENSIONS):
                raise ValidationError(
                    _("Upload a file of type %(types)s.") % {"types": ", ".join(FEED_EXTENSIONS)}
                )
            if upload.size > MAX_BYTES:
                raise ValidationError(
                    _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
                )
        return upload

    def clean(self):
        data = super().clean()
        if "url" in self.errors or "file" in self.errors:
            return data  # the field's own error says what is wrong
        if not data.get("url") and not data.get("file"):
            raise ValidationError(_("Give the address of the feed or upload the file."))
        if data.get("url") and data.get("file"):
            raise ValidationError(_("Give an address or a file, not both."))
        return data
