"""The weekly e-mail of new knowledge on followed themes: opt-in, one-click unsubscribe."""

import datetime
import email.policy

import pytest
from django.core import mail
from django.utils import timezone

from kennishub.accounts.tests.factories import MemberFactory
from kennishub.core.tests.factories import ThemeFactory
from kennishub.knowledge import mails, services
from kennishub.knowledge.models import DigestSubscription, KnowledgeProductPage

from .factories import KnowledgeProductFactory


@pytest.fixture
def follower(db):
    member = MemberFactory(email="volger@example.org")
    theme = ThemeFactory(label="armoede", slug="armoede")
    member.profile.themes.add(theme)
    return member, theme


def test_nothing_is_sent_without_opting_in(follower):
    _member, theme = follower
    KnowledgeProductFactory(title="Nieuw over armoede", themes=[theme])
    assert services.send_digests() == 0
    assert mail.outbox == []


def test_subscriber_receives_new_products_on_followed_themes_only(follower):
    member, theme = follower
    services.subscribe_digest(user=member)
    KnowledgeProductFactory(title="Nieuw over armoede", themes=[theme])
    KnowledgeProductFactory(title="Over iets anders", themes=[ThemeFactory()])
    old = KnowledgeProductFactory(title="Oud over armoede", themes=[theme])
    KnowledgeProductPage.objects.filter(pk=old.pk).update(
        first_published_at=timezone.now() - datetime.timedelta(days=30)
    )

    services.send_digests()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["volger@example.org"]
    assert "Nieuw over armoede" in message.body
    assert "Over iets anders" not in message.body and "Oud over armoede" not in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert DigestSubscription.objects.get(user=member).last_sent_at is not None


def test_no_empty_digest_is_sent(follower):
    member, _theme = follower
    services.subscribe_digest(user=member)
    services.send_digests()
    assert mail.outbox == []


def test_one_click_unsubscribe_from_the_mail(client, follower):
    member, _theme = follower
    services.subscribe_digest(user=member)
    url = f"/kennisbank/nieuwsbrief/afmelden/{mails.unsubscribe_token(member.pk)}/"
    assert client.get(url).status_code == 200
    assert DigestSubscription.objects.get(user=member).is_active  # looking does not unsubscribe
    response = client.post(url)  # what a mail client's one-click does (RFC 8058), no CSRF token
    assert response.status_code == 200
    assert not DigestSubscription.objects.get(user=member).is_active


def test_forged_unsubscribe_token_is_refused(client, follower):
    assert client.post("/kennisbank/nieuwsbrief/afmelden/123:forged/").status_code == 404


def test_member_opts_in_and_out_on_the_settings_page(client, follower):
    member, _theme = follower
    client.force_login(member)
    assert "Ontvang de wekelijkse e-mail" in client.get("/kennisbank/nieuwsbrief/").content.decode()
    client.post("/kennisbank/nieuwsbrief/", {"action": "subscribe"})
    assert DigestSubscription.objects.get(user=member).is_active
    client.post("/kennisbank/nieuwsbrief/", {"action": "unsubscribe"})
    assert not DigestSubscription.objects.get(user=member).is_active


def test_personal_data_export_and_erasure(follower):
    from kennishub.knowledge import privacy

    member, _theme = follower
    services.subscribe_digest(user=member)
    assert privacy.export(member)["weekly_digest"]["active"] is True
    privacy.erase(member)
    assert not DigestSubscription.objects.filter(user=member).exists()


def test_unsubscribe_header_is_a_plain_address_as_sent_over_smtp(follower):
    member, theme = follower
    services.subscribe_digest(user=member)
    KnowledgeProductFactory(title="Nieuw over armoede", themes=[theme])
    services.send_digests()

    raw = mail.outbox[0].message(policy=email.policy.SMTP).as_bytes()
    header = next(line for line in raw.split(b"\r\n") if line.startswith(b"List-Unsubscribe:"))
    prefix = f"List-Unsubscribe: <{mails.absolute('/kennisbank/nieuwsbrief/afmelden/')}".encode()
    assert header.startswith(prefix) and header.endswith(b"/>")  # not RFC 2047 words: clients read it
    token = header[len(prefix) : -2].rstrip(b"/").decode()
    assert mails.user_for_unsubscribe_token(token) == member.pk
