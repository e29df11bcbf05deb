import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kennishub.accounts import roles, services

from .conftest import audit_actions, token_for
from .factories import PASSWORD, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def staff_user(**kwargs):
    user = UserFactory(**kwargs)
    services.add_role(user=user, role=roles.EDITOR, actor=None)
    return user


def test_member_logs_in_with_email_and_password(client):
    member = MemberFactory(email="lid@example.org")

    response = client.post("/account/inloggen/", {"username": "LID@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/account/profiel/"
    assert client.session["_auth_user_id"] == str(member.pk)


def test_wrong_password_gets_a_dutch_message_without_saying_whether_the_account_exists(client):
    MemberFactory(email="lid@example.org")

    known = client.post("/account/inloggen/", {"username": "lid@example.org", "password": "fout"})
    unknown = client.post("/account/inloggen/", {"username": "niemand@example.org", "password": "fout"})

    message = "Het e-mailadres of wachtwoord klopt niet."
    assert message in known.content.decode()
    assert message in unknown.content.decode()


def test_staff_password_alone_does_not_log_in_and_code_does(client):
    editor = staff_user()
    device = TOTPDevice.objects.create(user=editor, name="app", confirmed=True)

    response = client.post(
        "/account/inloggen/", {"username": editor.email, "password": PASSWORD, "next": "/beheer/"}
    )

    assert response["Location"] == "/account/tweestapsverificatie/"
    assert "_auth_user_id" not in client.session
    assert client.get("/beheer/").status_code == 302

    wrong = client.post("/account/tweestapsverificatie/", {"token": "000000"})
    assert "Deze code klopt niet" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    # django_otp slows down guessing after a wrong code; let the pause pass.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )

    response = client.post("/account/tweestapsverificatie/", {"token": token_for(device)})

    assert response["Location"] == "/beheer/"
    assert client.session["_auth_user_id"] == str(editor.pk)
    assert client.get("/beheer/").status_code == 200


def test_staff_without_device_sets_up_totp_with_qr_code_and_gets_backup_codes(client):
    editor = staff_user()
    response = client.post("/account/inloggen/", {"username": editor.email, "password": PASSWORD})
    assert response["Location"] == "/account/tweestapsverificatie/instellen/"

    page = client.get("/account/tweestapsverificatie/instellen/").content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    response = client.post("/account/tweestapsverificatie/instellen/", {"token": token_for(device)})

    assert response["Location"] == "/account/tweestapsverificatie/reservecodes/"
    device.refresh_from_db()
    assert device.confirmed
    codes = client.get(response["Location"]).context["codes"]
    assert len(codes) == 10
    assert StaticDevice.objects.get(user=editor).token_set.count() == 10
    assert client.get("/beheer/").status_code == 200
    assert "accounts.two_factor.enabled" in audit_actions(editor)


def test_backup_code_works_once(client):
    editor = staff_user()
    TOTPDevice.objects.create(user=editor, name="app", confirmed=True)
    static = StaticDevice.objects.create(user=editor, name="codes", confirmed=True)
    static.token_set.create(token="abcde12345")

    client.post("/account/inloggen/", {"username": editor.email, "password": PASSWORD})
    response = client.post("/account/tweestapsverificatie/", {"token": "abcde12345"})

    assert response.status_code == 302
    assert not static.token_set.exists()


def test_staff_session_without_second_factor_is_sent_from_admin_to_second_factor(client):
    editor = staff_user()
    TOTPDevice.objects.create(user=editor, name="app", confirmed=True)
    client.force_login(editor)

    response = client.get("/beheer/pages/")

    assert response.status_code == 302
    assert response["Location"] == "/account/tweestapsverificatie/?next=%2Fbeheer%2Fpages%2F"


def test_anonymous_admin_visit_goes_to_our_login(client):
    response = client.get("/beheer/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/account/inloggen/")


def test_members_have_no_admin_access(client):
    member = MemberFactory(profile__verified=True)
    services.add_role(user=member, role=roles.MEMBER, actor=None)
    client.force_login(member)

    assert client.get("/beheer/").status_code in (302, 403)
    assert not member.has_perm(roles.ADMIN_ACCESS)


def test_sixth_attempt_is_refused_even_with_the_right_password(client):
    member = MemberFactory(email="lid@example.org")
    for _ in range(5):
        client.post("/account/inloggen/", {"username": "lid@example.org", "password": "fout"})

    response = client.post("/account/inloggen/", {"username": "lid@example.org", "password": PASSWORD})

    assert response.status_code == 429
    content = response.content.decode()
    assert "Te vaak geprobeerd" in content
    assert '<html lang="nl"' in content
    assert "_auth_user_id" not in client.session
    assert member.last_login is None


def test_logout_only_by_post(client):
    client.force_login(MemberFactory())

    assert client.get("/account/uitloggen/").status_code == 405
    response = client.post("/account/uitloggen/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
