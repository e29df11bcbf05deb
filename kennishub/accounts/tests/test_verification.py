import re

import pytest
from django.core import signing
from django.test import RequestFactory
from rest_framework.test import APIRequestFactory

from kennishub.accounts import roles, selectors, services, tokens
from kennishub.accounts.models import Profile, VerificationRequest
from kennishub.accounts.permissions import IsVerifiedMember, verified_member_required
from kennishub.core.tests.factories import MunicipalityFactory

from .conftest import audit_actions, otp_login
from .factories import MemberFactory, MunicipalityEmailDomainFactory, VerificationRequestFactory

pytestmark = pytest.mark.django_db


def link_path(mail) -> str:
    return re.search(r"http://[^/\s]+(/account/bevestigen/\S+/)", mail.body).group(1)


def test_confirming_work_address_at_registered_domain_verifies_and_makes_member(
    client, run_on_commit, mailoutbox
):
    member = MemberFactory()
    MunicipalityEmailDomainFactory(municipality=member.profile.municipality, domain="zwolle.nl")

    run_on_commit(services.request_email_verification, user=member, email="A.Jansen@Zwolle.nl")
    assert mailoutbox[-1].to == ["a.jansen@zwolle.nl"]
    path = link_path(mailoutbox[-1])

    assert client.get(path).status_code == 200  # a mail scanner following the link changes nothing
    member.profile.refresh_from_db()
    assert not member.profile.is_verified

    response = client.post(path)

    assert response.status_code == 302
    member.profile.refresh_from_db()
    assert member.profile.is_verified
    assert member.profile.verification_method == Profile.VerificationMethod.EMAIL_DOMAIN
    assert member.profile.verification_email == "a.jansen@zwolle.nl"
    assert member.groups.filter(name=roles.MEMBER).exists()
    assert member.has_perm("accounts.participate")
    assert selectors.is_verified_member(member)
    assert "accounts.profile.verified" in audit_actions(member)
    assert "accounts.role.added" in audit_actions(member)


def test_address_at_domain_of_another_municipality_is_refused(client):
    member = MemberFactory()
    MunicipalityEmailDomainFactory(municipality=member.profile.municipality, domain="hier.nl")
    MunicipalityEmailDomainFactory(municipality=MunicipalityFactory(), domain="elders.nl")
    client.force_login(member)

    response = client.post("/account/verifieren/werkadres/", {"email": "iemand@elders.nl"})

    assert response.status_code == 400
    assert "Het domein elders.nl is niet geregistreerd voor" in response.content.decode()
    member.profile.refresh_from_db()
    assert not member.profile.is_verified


def test_registering_with_address_at_registered_domain_verifies_on_confirmation(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    municipality = MunicipalityFactory()
    MunicipalityEmailDomainFactory(municipality=municipality, domain="deventer.nl")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/account/registreren/",
            {
                "email": "piet@deventer.nl",
                "full_name": "Piet",
                "password1": "Zomer-in-Zwolle-2026",
                "password2": "Zomer-in-Zwolle-2026",
                "municipality": municipality.pk,
                "role_kind": Profile.RoleKind.ADMINISTRATIVE,
            },
        )

    client.post(link_path(mailoutbox[0]))

    profile = Profile.objects.get(user__email="piet@deventer.nl")
    assert profile.email_confirmed_at is not None
    assert profile.is_verified
    assert profile.user.groups.filter(name=roles.MEMBER).exists()


def test_tampered_or_expired_link_is_refused(client, settings):
    member = MemberFactory()
    token = tokens.make_email_token(user_id=member.pk, email=member.email, purpose=tokens.PURPOSE_LOGIN)

    assert client.post(f"/account/bevestigen/{token}x/").status_code == 400
    settings.ACCOUNTS_EMAIL_TOKEN_MAX_AGE = -1
    response = client.post(f"/account/bevestigen/{token}/")
    assert response.status_code == 400
    assert "verlopen" in response.content.decode()
    member.profile.refresh_from_db()
    assert member.profile.email_confirmed_at is None
    with pytest.raises(signing.BadSignature):
        tokens.read_email_token("nonsense")


def test_administrator_approves_request_and_member_gets_mail(
    client, administrator, run_on_commit, django_capture_on_commit_callbacks, mailoutbox
):
    member = MemberFactory()
    run_on_commit(services.request_approval, user=member, explanation="Wethouder")
    assert mailoutbox[-1].to == [administrator.email]
    otp_login(client, administrator)
    request = VerificationRequest.objects.get(user=member)
    assert member.email in client.get("/account/verzoeken/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/account/verzoeken/{request.pk}/besluit/", {"decision": "approve"})

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == VerificationRequest.Status.APPROVED
    assert request.decided_by == administrator
    member.profile.refresh_from_db()
    assert member.profile.is_verified
    assert member.profile.verified_by == administrator
    assert member.groups.filter(name=roles.MEMBER).exists()
    assert "accounts.verification.approved" in audit_actions(member)
    assert mailoutbox[-1].to == [member.email]
    assert "goedgekeurd" in mailoutbox[-1].subject


def test_rejected_member_gets_mail_and_stays_unverified(administrator, run_on_commit, mailoutbox):
    request = VerificationRequestFactory()

    run_on_commit(
        services.decide_request, request=request, actor=administrator, approve=False, reason="Onbekend"
    )

    request.refresh_from_db()
    assert request.status == VerificationRequest.Status.REJECTED
    assert not selectors.is_verified_member(request.user)
    assert mailoutbox[-1].to == [request.user.email]
    assert "Onbekend" in mailoutbox[-1].body


def test_non_administrator_may_not_see_or_decide_requests(client):
    request = VerificationRequestFactory()
    verified = MemberFactory(profile__verified=True)
    client.force_login(verified)

    assert client.get("/account/verzoeken/").status_code == 403
    assert (
        client.post(f"/account/verzoeken/{request.pk}/besluit/", {"decision": "approve"}).status_code == 403
    )
    request.refresh_from_db()
    assert request.status == VerificationRequest.Status.PENDING
    with pytest.raises(services.NotAllowed):
        services.decide_request(request=request, actor=verified, approve=True)


def test_unverified_staff_session_is_sent_to_second_factor_for_requests(client, administrator):
    client.force_login(administrator)

    response = client.get("/account/verzoeken/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/tweestapsverificatie/")


def test_second_pending_request_is_refused():
    member = MemberFactory()
    services.request_approval(user=member)

    with pytest.raises(services.VerificationNotPossible):
        services.request_approval(user=member)


def test_verified_member_checks_for_other_apps():
    verified = MemberFactory(profile__verified=True)
    unverified = MemberFactory()
    view = verified_member_required(lambda request: "ok")
    rf = RequestFactory()

    request = rf.get("/")
    request.user = verified
    assert view(request) == "ok"
    request.user = unverified
    response = view(request)
    assert response.status_code == 403
    page = response.content.decode()
    assert f"Kennishub kent het e-maildomein van {unverified.profile.municipality} nog niet" in page
    assert "meteen" not in page
    MunicipalityEmailDomainFactory(municipality=unverified.profile.municipality)
    assert "Dit is meteen geregeld" in view(request).content.decode()

    api_request = APIRequestFactory().post("/")
    api_request.user = unverified
    assert not IsVerifiedMember().has_permission(api_request, None)
    api_request.user = verified
    assert IsVerifiedMember().has_permission(api_request, None)


def test_moving_to_another_municipality_ends_verification():
    member = MemberFactory(profile__verified=True)
    services.add_role(user=member, role=roles.MEMBER, actor=None)

    services.update_profile(
        user=member,
        actor=member,
        full_name=member.full_name,
        municipality=MunicipalityFactory(),
        role_kind=Profile.RoleKind.CIVIL_SERVICE,
    )

    member.profile.refresh_from_db()
    assert not member.profile.is_verified
    assert not member.groups.filter(name=roles.MEMBER).exists()
    assert "accounts.profile.verification_revoked" in audit_actions(member)


# --- a municipality without a registered e-mail domain (every one, on a fresh site) --------------


def test_without_any_registered_domain_no_page_promises_immediate_verification(client):
    member = MemberFactory(profile__municipality__name="Utrecht")

    registration = client.get("/account/registreren/").content.decode()
    assert "meteen" not in registration
    assert "controleert met de hand" in registration

    client.force_login(member)
    profile = client.get("/account/profiel/").content.decode()
    assert "meteen" not in profile
    assert "Kennishub kent het e-maildomein van Utrecht nog niet" in profile
    assert 'action="/account/verifieren/werkadres/"' not in profile  # no form that cannot work
    assert 'action="/account/verifieren/goedkeuring/"' in profile
    assert 'id="beheerder"' in profile


def test_work_address_without_registered_domain_leads_to_approval_instead_of_blame(client, mailoutbox):
    member = MemberFactory(profile__municipality__name="Utrecht")
    client.force_login(member)

    response = client.post("/account/verifieren/werkadres/", {"email": "lid@utrecht.nl"}, follow=True)

    assert response.redirect_chain == [("/account/profiel/#beheerder", 302)]
    page = response.content.decode()
    assert "Kennishub kent het e-maildomein van Utrecht nog niet" in page
    assert "Vraag in plaats daarvan een beheerder om uw account goed te keuren." in page
    assert "niet geregistreerd" not in page
    assert mailoutbox == []
    member.profile.refresh_from_db()
    assert not member.profile.is_verified
    with pytest.raises(services.EmailDomainUnknown):
        services.request_email_verification(user=member, email="lid@utrecht.nl")


def test_with_a_registered_domain_the_pages_offer_immediate_verification(client):
    member = MemberFactory()
    MunicipalityEmailDomainFactory(municipality=member.profile.municipality, domain="zwolle.nl")

    assert (
        "Kent Kennishub het e-maildomein van uw gemeente"
        in client.get("/account/registreren/").content.decode()
    )
    client.force_login(member)
    profile = client.get("/account/profiel/").content.decode()
    assert "Dit is meteen geregeld" in profile
    assert 'action="/account/verifieren/werkadres/"' in profile


def test_registration_mail_without_registered_domain_points_to_an_administrator(
    client, run_on_commit, mailoutbox
):
    municipality = MunicipalityFactory(name="Utrecht")

    run_on_commit(
        services.register_member,
        email="nieuw@utrecht.nl",
        full_name="Nieuw Lid",
        password="Zomer-in-Zwolle-2026",
        municipality=municipality,
        role_kind=Profile.RoleKind.CIVIL_SERVICE,
    )

    body = mailoutbox[-1].body
    assert "Kennishub kent het e-maildomein van Utrecht nog niet" in body
    assert "meteen" not in body
