"""The shared form components other apps include: field.html and form_errors.html."""

import re

from django import forms
from django.template import Context, Template


class ExampleForm(forms.Form):
    email = forms.EmailField(label="E-mailadres", help_text="Uw werkadres.")
    role = forms.ChoiceField(
        label="Rol",
        choices=[("bestuurlijk", "Bestuurlijk"), ("ambtelijk", "Ambtelijk")],
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(label="Ik ga akkoord")
    note = forms.CharField(
        label="Toelichting", widget=forms.Textarea(attrs={"class": "kh-note"}), required=False
    )


def render(form: forms.Form) -> str:
    return Template(
        '{% include "components/form_errors.html" with form=form %}'
        '{% for field in form %}{% include "components/field.html" with field=field %}{% endfor %}'
    ).render(Context({"form": form}))


def test_valid_field_gets_nl_design_system_classes_and_help_text_link():
    html = render(ExampleForm())

    assert re.search(r'<label class="utrecht-form-label" for="id_email">E-mailadres', html)
    email = re.search(r"<input[^>]*id=\"id_email\"[^>]*>", html).group(0)
    assert "utrecht-textbox utrecht-textbox--html-input" in email
    assert 'aria-describedby="id_email_help"' in email
    assert "aria-invalid" not in email
    assert 'class="kh-note utrecht-textarea utrecht-textarea--html-textarea"' in html
    assert "foutmeldingen" not in html


def test_invalid_form_links_errors_from_summary_to_fields():
    form = ExampleForm(data={"email": "geen-adres", "role": "", "consent": ""})
    html = render(form)

    assert 'id="foutmeldingen"' in html and "Verbeter het volgende" in html
    assert 'href="#id_email"' in html
    assert 'href="#id_role_0"' in html  # a radio group links to its first option
    email = re.search(r"<input[^>]*id=\"id_email\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in email
    assert 'aria-describedby="id_email_help id_email_error"' in email
    assert "utrecht-textbox--invalid" in email
    assert html.count('id="id_email_error"') == 1


def test_radio_choices_are_a_fieldset_with_legend():
    html = render(ExampleForm())

    assert re.search(r'<fieldset class="utrecht-form-fieldset[^"]*"[^>]*>\s*<legend[^>]*>Rol', html)
    assert (
        '<label class="utrecht-form-label utrecht-form-label--radio" for="id_role_0">Bestuurlijk</label>'
        in html
    )


def test_checkbox_label_follows_the_box():
    html = render(ExampleForm())

    assert re.search(r'<input type="checkbox"[^>]*id="id_consent"[^>]*>\s*<label[^>]*for="id_consent"', html)
