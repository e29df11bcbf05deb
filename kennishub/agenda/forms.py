"""Forms of the knowledge agenda: they check shape and values and name the field in Dutch."""

from django import forms
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from kennishub.accounts.models import User
from kennishub.core.models import Organisation, Theme

from .models import (
    QUESTION_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Cluster,
    Criterion,
    Programme,
    Question,
    Route,
    Score,
)


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Theme) -> str:
        return obj.display_label


def _no_html(value: str) -> str:
    value = value.strip()
    if strip_tags(value) != value:
        raise forms.ValidationError(_("Write plain text without HTML tags such as <b> or <script>."))
    return value


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        max_length=QUESTION_MAX_LENGTH,
        help_text=_("One question, in one or two sentences. At most 300 characters."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    context = forms.CharField(
        label=_("Context"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        help_text=_("What is going on, what have you tried or read already?"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    importance = forms.CharField(
        label=_("Why does this matter for your municipality?"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    themes = ThemeChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.active().top_level(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Question.Urgency.choices,
        initial=Question.Urgency.MEDIUM,
        widget=forms.RadioSelect,
    )
    wants_to_participate = forms.BooleanField(
        label=_("I would like to take part in research on this question"), required=False
    )

    def clean_text(self):
        text = _no_html(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("Fill in your question."))
        return text

    def clean_context(self):
        return _no_html(self.cleaned_data["context"])

    def clean_importance(self):
        return _no_html(self.cleaned_data["importance"])


class SupportForm(forms.Form):
    context = forms.CharField(
        label=_("Your own context (optional)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        help_text=_("How does this question play in your municipality?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_context(self):
        return _no_html(self.cleaned_data["context"])


class ClarificationForm(forms.Form):
    message = forms.CharField(
        label=_("What should the asker clarify?"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MergeForm(forms.Form):
    target = forms.IntegerField(
        label=_("Number of the question that remains"),
        min_value=1,
        help_text=_("The question shown as the duplicate's remaining version."),
    )

    def __init__(self, *args, source: Question | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source

    def clean_target(self):
        if self.source is not None and self.cleaned_data["target"] == self.source.pk:
            raise forms.ValidationError(_("A question cannot be merged into itself."))
        try:
            return Question.objects.exclude(status=Question.Status.MERGED).get(pk=self.cleaned_data["target"])
        except Question.DoesNotExist as error:
            raise forms.ValidationError(
                _("There is no question with this number that can take the merge.")
            ) from error


def _products():
    from kennishub.knowledge.models import KnowledgeProductPage

    return KnowledgeProductPage.objects.live().order_by("title")


class AnswerForm(forms.Form):
    answer_text = forms.CharField(
        label=_("Answer"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    answer_product = forms.ModelChoiceField(
        label=_("Knowledge product that answers it"), queryset=Question.objects.none(), required=False
    )
    answer_url = forms.URLField(
        label=_("Link to the knowledge that answers it"),
        required=False,
        help_text=_("When the knowledge is not in the knowledge base."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer_product"].queryset = _products()

    def clean(self):
        cleaned = super().clean()
        # Only when both fields themselves are valid: a malformed link has its own error already.
        if cleaned.get("answer_url") == "" and "answer_product" in cleaned and not cleaned["answer_product"]:
            self.add_error(
                "answer_url", _("Choose a knowledge product or give a link to the knowledge that answers it.")
            )
        return cleaned


class ClusterForm(forms.Form):
    title = forms.CharField(
        label=_("Cluster question"),
        max_length=QUESTION_MAX_LENGTH,
        help_text=_("The overarching question that covers the questions of this cluster."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    themes = ThemeChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.active().top_level(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_title(self):
        return _no_html(self.cleaned_data["title"])


class QuestionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Question) -> str:
        return f"#{obj.pk}: {obj.text}"


class SplitForm(forms.Form):
    questions = QuestionChoiceField(
        label=_("Questions for the new cluster"),
        queryset=Question.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    title = forms.CharField(
        label=_("Cluster question of the new cluster (optional)"),
        required=False,
        max_length=QUESTION_MAX_LENGTH,
    )

    def __init__(self, *args, cluster: Cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = cluster.questions.exclude(status=Question.Status.MERGED).order_by(
            "id"
        )


class MoveForm(forms.Form):
    cluster = forms.ModelChoiceField(
        label=_("Move to cluster"),
        queryset=Cluster.objects.filter(published_at__isnull=True),
        required=False,
        empty_label=_("(no cluster)"),
    )


class JuryForm(forms.Form):
    jurors = forms.ModelMultipleChoiceField(
        label=_("Jury members"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Only accounts with the role of jury member are listed; an administrator gives that role "
            "in the management environment (Users)."
        ),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from kennishub.accounts import roles

        self.fields["jurors"].queryset = User.objects.filter(
            is_active=True, groups__name=roles.JURY_MEMBER
        ).distinct()


class RouteForm(forms.Form):
    funder = forms.ModelChoiceField(
        label=_("Funder"), queryset=Organisation.objects.filter(kind=Organisation.Kind.FUNDER)
    )
    programme = forms.ModelChoiceField(
        label=_("Programme or call (optional)"),
        queryset=Programme.objects.select_related("funder"),
        required=False,
    )
    on = forms.DateField(
        label=_("Date"),
        required=False,
        help_text=_("For example 2026-03-01. Empty: today."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=TEXT_MAX_LENGTH)

    def clean(self):
        data = super().clean()
        if data.get("programme") and data.get("funder") and data["programme"].funder_id != data["funder"].pk:
            self.add_error("programme", _("This programme belongs to another funder."))
        return data


class RouteUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Route.Status.choices)
    on = forms.DateField(
        label=_("Date"),
        required=False,
        help_text=_("For example 2026-03-01. Empty: today."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=TEXT_MAX_LENGTH)
    result_url = forms.URLField(
        label=_("Link to the research result"),
        required=False,
        help_text=_("When the result is not in the knowledge base."),
    )
    result_product = forms.ModelChoiceField(
        label=_("Knowledge product with the result"), queryset=Question.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result_product"].queryset = _products()


SCORE_CHOICES = [(str(v), str(v)) for v in range(Score.SCALE[0], Score.SCALE[1] + 1)]


class ScoreForm(forms.Form):
    """One score (1 to 5) and one reason per active criterion."""

    def __init__(self, *args, criteria: list[Criterion], existing: dict[int, Score], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            current = existing.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=_("%(criterion)s: score (1 = low, 5 = high)") % {"criterion": criterion.name},
                choices=SCORE_CHOICES,
                widget=forms.RadioSelect,
                help_text=criterion.description,
                initial=str(current.value) if current else None,
            )
            self.fields[f"reason_{criterion.pk}"] = forms.CharField(
                label=_("%(criterion)s: reason") % {"criterion": criterion.name},
                max_length=TEXT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=current.reason if current else "",
            )

    def scores(self) -> dict[int, tuple[int, str]]:
        return {
            c.pk: (int(self.cleaned_data[f"score_{c.pk}"]), self.cleaned_data[f"reason_{c.pk}"])
            for c in self.criteria
        }

    def pairs(self):
        return [(self[f"score_{c.pk}"], self[f"reason_{c.pk}"]) for c in self.criteria]
