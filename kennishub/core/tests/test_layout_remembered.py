"""Layout parts rendered once per process (templatetags/kh.py): the same HTML as rendering them
afresh, per section and language, and nothing of one visitor shown to another."""

import re

import pytest
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from kennishub.core.templatetags.kh import forget_rendered

from .factories import ThemeFactory


@pytest.fixture(autouse=True)
def fresh_layout():
    forget_rendered()
    yield
    forget_rendered()


def layout(html: str) -> str:
    """The page without its main content and the per-request parts (nonce, CSRF token)."""
    html = re.sub(r"<main .*?</main>", "", html, flags=re.S)
    html = re.sub(r'nonce="[^"]+"', "", html)
    return re.sub(r"<title>.*?</title>", "", html, flags=re.S)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/themas/", "/zoeken/", "/privacy/"])
def test_remembered_layout_is_the_layout_rendered_afresh(client, path):
    with override_settings(DEBUG=True):  # DEBUG renders every part afresh
        fresh = client.get(path).content.decode()
    client.get("/")  # another section fills the memory first
    remembered = client.get(path).content.decode()

    assert layout(remembered) == layout(fresh)


@pytest.mark.django_db
def test_each_section_marks_itself_current_after_another_was_rendered(client):
    ThemeFactory(label="water", slug="water")
    for path, current in [("/", "/"), ("/themas/water/", "/themas/"), ("/", "/"), ("/zoeken/", None)]:
        nav = re.search(r'<nav class="kh-nav".*?</nav>', client.get(path).content.decode(), re.S).group(0)
        assert re.findall(r'href="([^"]+)" aria-current="page"', nav) == ([current] if current else [])


def named_template(source: str) -> Template:
    engine = Engine(
        loaders=[("django.template.loaders.locmem.Loader", {"part.html": source})],
        libraries={"i18n": "django.templatetags.i18n", "kh": "kennishub.core.templatetags.kh"},
    )
    return engine.get_template("part.html")


def test_each_language_gets_its_own_part():
    part = named_template(
        "{% load i18n kh %}{% constant %}{% translate 'Privacy statement' %}{% endconstant %}"
    )
    with translation.override("en"):
        english = part.render(Context({}))
    with translation.override("nl"):
        dutch = part.render(Context({}))

    assert (english, dutch) == ("Privacy statement", "Privacyverklaring")


@pytest.mark.django_db
def test_account_links_stay_per_visitor(client, django_user_model):
    client.get("/")  # the layout of an anonymous visitor is remembered
    user = django_user_model.objects.create_user(email="lid@example.nl", password="een-lang-wachtwoord")
    client.force_login(user)
    html = client.get("/").content.decode()

    assert "Uitloggen" in html and "Inloggen" not in html
    assert f'action="{reverse("accounts:logout")}"' in html


@pytest.mark.django_db
def test_a_changed_setting_renders_the_footer_afresh(client, settings):
    client.get("/")
    settings.KH_CONTACT_EMAIL = "contact@academie.example"

    assert "contact@academie.example" in client.get("/").content.decode()


def test_a_part_is_rendered_once_and_a_template_without_a_name_every_time():
    source = "{% load kh %}{% constant %}{{ value }}{% endconstant %}"
    part, unnamed = named_template(source), Template(source)

    assert [part.render(Context({"value": value})) for value in "ab"] == ["a", "a"]
    assert [unnamed.render(Context({"value": value})) for value in "ab"] == ["a", "b"]


def test_constant_takes_no_arguments():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load kh %}{% constant footer %}x{% endconstant %}")
