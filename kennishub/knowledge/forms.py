"""The public form with which a member of a municipality submits a good practice."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kennishub.core.models import Municipality, Theme


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
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities"),
        queryset=Municipality.objects.active().order_by("name"),
        help_text=_("The municipality or municipalities where this practice took place."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.active().top_level().order_by("label"),
        widget=forms.CheckboxSelectMultiple,
    )
    contact_consent = forms.BooleanField(
        label=_("Other municipalities may see my name as contact for this practice."),
        required=False,
    )

    def __init__(self, *args, member_municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].widget.attrs["size"] = 8
        if member_municipality is not None and not self.is_bound:
            self.initial.setdefault("municipalities", [member_municipality.pk])
