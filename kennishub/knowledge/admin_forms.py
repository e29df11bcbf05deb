"""The editor's form for a knowledge product in the Wagtail admin."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from kennishub.accounts import roles
from kennishub.core.models import Municipality


class KnowledgeProductPageForm(WagtailAdminPageForm):
    size_classes = forms.MultipleChoiceField(
        label=_("relevant for municipality sizes"),
        choices=Municipality.SizeClass.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty when it is relevant for every size."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editor = self.fields.get("editor")
        if editor is not None:
            # Reminders go to this person's admin: only editors qualify, not every member of the site.
            current = self.instance.editor_id if self.instance else None
            editor.queryset = editor.queryset.filter(
                Q(is_active=True, groups__name=roles.EDITOR) | Q(pk=current)
            ).distinct()

    def clean(self):
        cleaned = super().clean()
        resources = self.formsets.get("resources")
        if resources is not None:
            for form in resources.forms:
                data = getattr(form, "cleaned_data", {}) or {}
                if data and not data.get("DELETE") and not data.get("document") and not data.get("url"):
                    form.add_error("url", _("Choose a file or give an external link."))
        return cleaned
