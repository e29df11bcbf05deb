"""Every write to accounts: registration, profile, verification, roles, two factors, deletion.

Each service runs in one transaction, writes its audit entry and queues mail for after the commit.
"""

import logging
import secrets
from contextlib import nullcontext
from functools import partial

from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import LogContext
from wagtail.log_actions import registry as log_registry
from wagtail.models import Collection, GroupCollectionPermission

from kennishub.core import audit
from kennishub.core.exceptions import DomainError

from . import personal_data, roles, selectors, tokens
from .models import MunicipalityEmailDomain, Profile, User, VerificationRequest
from .tasks import send_account_mail

logger = logging.getLogger(__name__)

BACKUP_CODE_COUNT = 10


class InvalidLink(DomainError):
    code = "invalid-link"


class WrongDomain(DomainError):
    code = "wrong-domain"


class VerificationNotPossible(DomainError):
    code = "verification-not-possible"


class EmailDomainUnknown(VerificationNotPossible):
    code = "email-domain-unknown"


class NotAllowed(DomainError):
    code = "not-allowed"


class LastAdministrator(DomainError):
    code = "last-administrator"


# --- helpers -------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    from django.conf import settings

    return settings.SITE_URL.rstrip("/") + path


def _queue_mail(*, to: str | list[str], template: str, context: dict) -> None:
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        return
    transaction.on_commit(
        partial(send_account_mail.enqueue, to=recipients, template=template, context=context)
    )


def _confirmation_link(*, user: User, email: str, purpose: str, municipality_id: int | None = None) -> str:
    token = tokens.make_email_token(
        user_id=user.pk, email=email, purpose=purpose, municipality_id=municipality_id
    )
    return _absolute(reverse("accounts:confirm_email", kwargs={"token": token}))


def _domain_of(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower()


# --- registration and e-mail confirmation --------------------------------------------------------


@transaction.atomic
def register_member(
    *,
    email: str,
    full_name: str,
    password: str,
    municipality,
    role_kind: str,
    administrative_role=None,
    work_field=None,
) -> User | None:
    """Create an unverified account and mail a link that confirms its address.

    Returns None when the address already has an account: the owner of that address gets a mail
    instead, and the caller shows the same page as for a new account, so nobody learns which
    addresses hold an account.
    """
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        _queue_mail(
            to=email,
            template="account_exists",
            context={
                "login_url": _absolute(reverse("accounts:login")),
                "reset_url": _absolute(reverse("accounts:password_reset")),
            },
        )
        return None
    user = User.objects.create_user(email=email, password=password, full_name=full_name.strip())
    Profile.objects.create(
        user=user,
        municipality=municipality,
        role_kind=role_kind,
        administrative_role=administrative_role if role_kind == Profile.RoleKind.ADMINISTRATIVE else None,
        work_field=work_field if role_kind == Profile.RoleKind.CIVIL_SERVICE else None,
    )
    audit.record(
        user,
        "accounts.user.registered",
        actor=user,
        data={"municipality": municipality.pk if municipality else None, "role_kind": role_kind},
    )
    send_login_confirmation(user=user)
    return user


def send_login_confirmation(*, user: User) -> None:
    """Mail a link that confirms the login address (and verifies, at a registered domain)."""
    profile = selectors.profile_of(user)
    verifies = (
        profile.municipality_id is not None
        and MunicipalityEmailDomain.objects.filter(
            domain=_domain_of(user.email), municipality_id=profile.municipality_id
        ).exists()
    )
    _queue_mail(
        to=user.email,
        template="confirm_login_email",
        context={
            "name": user.get_short_name(),
            "link": _confirmation_link(user=user, email=user.email, purpose=tokens.PURPOSE_LOGIN),
            "verifies": verifies,
            "domain_known": selectors.email_domain_known(profile.municipality),
            "municipality": str(profile.municipality or ""),
        },
    )


def read_confirmation(*, token: str) -> dict:
    """Check a confirmation link without acting on it; raises InvalidLink."""
    try:
        payload = tokens.read_email_token(token)
    except signing.SignatureExpired as error:
        raise InvalidLink(_("This link has expired. Request a new link from your account page.")) from error
    except signing.BadSignature as error:
        raise InvalidLink(_("This link is not valid. Check that you copied the whole link.")) from error
    user = User.objects.filter(pk=payload["u"], is_active=True).first()
    if user is None:
        raise InvalidLink(_("This link is not valid. Check that you copied the whole link."))
    payload["user"] = user
    return payload


@transaction.atomic
def confirm_email(*, token: str) -> Profile:
    """Act on a confirmation link.

    A login address is marked confirmed; an address at a domain registered for the member's
    municipality also verifies the link to that municipality. Raises InvalidLink or WrongDomain.
    """
    payload = read_confirmation(token=token)
    user = User.objects.select_for_update().get(pk=payload["user"].pk)
    profile = selectors.profile_of(user)
    email = payload["e"]
    if payload["p"] == tokens.PURPOSE_LOGIN:
        if email != user.email:
            raise InvalidLink(_("This link belongs to an e-mail address that is no longer in use."))
        if profile.email_confirmed_at is None:
            profile.email_confirmed_at = timezone.now()
            profile.save(update_fields=["email_confirmed_at"])
            audit.record(user, "accounts.email.confirmed", actor=user, data={"purpose": "login"})
    elif payload["m"] != profile.municipality_id:
        raise InvalidLink(_("This link was sent for another municipality than the one in your profile."))
    if profile.verified_at is None and profile.municipality_id is not None:
        registered = MunicipalityEmailDomain.objects.filter(
            domain=_domain_of(email), municipality_id=profile.municipality_id
        ).exists()
        if registered:
            mark_verified(profile, method=Profile.VerificationMethod.EMAIL_DOMAIN, actor=user, email=email)
        elif payload["p"] == tokens.PURPOSE_WORK:
            raise WrongDomain(
                _("The domain of this address is no longer registered for %(municipality)s.")
                % {"municipality": profile.municipality}
            )
    return profile


@transaction.atomic
def request_email_verification(*, user: User, email: str) -> None:
    """Mail a verification link to a work address at a domain registered for the municipality.

    Raises VerificationNotPossible without a municipality, EmailDomainUnknown when no domain is
    registered for the municipality, WrongDomain for an address at another domain.
    """
    profile = selectors.profile_of(user)
    if profile.municipality is None:
        raise VerificationNotPossible(_("First choose your municipality in your profile."))
    if profile.verified_at is not None:
        raise VerificationNotPossible(
            _("Your link to %(m)s is already verified.") % {"m": profile.municipality}
        )
    if not selectors.email_domain_known(profile.municipality):
        # Without a registered domain no address can verify; say so instead of blaming the address.
        raise EmailDomainUnknown(
            _(
                "Kennishub does not know the e-mail domain of %(municipality)s yet, so your work "
                "address cannot verify you. Ask an administrator to approve your account instead."
            )
            % {"municipality": profile.municipality}
        )
    email = User.objects.normalize_email(email).strip().lower()
    domain = _domain_of(email)
    if not MunicipalityEmailDomain.objects.filter(domain=domain, municipality=profile.municipality).exists():
        raise WrongDomain(
            _(
                "The domain %(domain)s is not registered for %(municipality)s. Use your work address "
                "at the municipality, or ask an administrator to approve your account."
            )
            % {"domain": domain, "municipality": profile.municipality}
        )
    link = _confirmation_link(
        user=user, email=email, purpose=tokens.PURPOSE_WORK, municipality_id=profile.municipality_id
    )
    _queue_mail(
        to=email,
        template="verify_work_email",
        context={"name": user.get_short_name(), "link": link, "municipality": str(profile.municipality)},
    )
    audit.record(user, "accounts.verification.link_sent", actor=user, data={"domain": domain})


# --- verification by a beheerder -----------------------------------------------------------------


@transaction.atomic
def request_approval(*, user: User, explanation: str = "") -> VerificationRequest:
    """Ask the beheerders to confirm the member works for their municipality."""
    profile = selectors.profile_of(user)
    if profile.municipality is None:
        raise VerificationNotPossible(_("First choose your municipality in your profile."))
    if profile.verified_at is not None:
        raise VerificationNotPossible(
            _("Your link to %(m)s is already verified.") % {"m": profile.municipality}
        )
    User.objects.select_for_update().get(pk=user.pk)  # two clicks at once make one request
    if VerificationRequest.objects.pending().filter(user=user).exists():
        raise VerificationNotPossible(_("You already have a request that is waiting for a decision."))
    request = VerificationRequest.objects.create(
        user=user, municipality=profile.municipality, explanation=explanation.strip()
    )
    audit.record(user, "accounts.verification.requested", actor=user, data={"request": request.pk})
    administrators = selectors.holders_of_administrator_rights().values_list("email", flat=True)
    _queue_mail(
        to=list(administrators),
        template="approval_requested",
        context={"municipality": str(profile.municipality), "link": _absolute(reverse("accounts:requests"))},
    )
    return request


def can_decide_requests(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.has_perm("accounts.decide_verificationrequest")
    )


@transaction.atomic
def decide_request(
    *, request: VerificationRequest, actor: User, approve: bool, reason: str = ""
) -> VerificationRequest:
    """Approve (verifies the member and adds them to "lid") or reject a pending request.

    The member gets a mail either way. Raises NotAllowed when `actor` may not decide, and
    VerificationNotPossible when the request was already decided.
    """
    if not can_decide_requests(actor):
        raise NotAllowed(_("You are not allowed to decide on verification requests."))
    request = (
        VerificationRequest.objects.select_for_update()
        .select_related("user", "municipality")
        .get(pk=request.pk)
    )
    if request.status != VerificationRequest.Status.PENDING:
        raise VerificationNotPossible(_("This request has already been decided."))
    request.status = VerificationRequest.Status.APPROVED if approve else VerificationRequest.Status.REJECTED
    request.decided_at = timezone.now()
    request.decided_by = actor
    request.reason = reason.strip()
    request.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    member = request.user
    profile = selectors.profile_of(member)
    if approve:
        if profile.municipality_id != request.municipality_id:
            profile.municipality = request.municipality
            profile.save(update_fields=["municipality"])
        if profile.verified_at is None:
            mark_verified(profile, method=Profile.VerificationMethod.APPROVAL, actor=actor)
    audit.record(
        member,
        "accounts.verification.approved" if approve else "accounts.verification.rejected",
        actor=actor,
        data={"request": request.pk, "municipality": request.municipality_id},
    )
    _queue_mail(
        to=member.email,
        template="approval_decided",
        context={
            "name": member.get_short_name(),
            "approved": approve,
            "reason": request.reason,
            "municipality": str(request.municipality),
            "link": _absolute(reverse("accounts:profile")),
        },
    )
    return request


def mark_verified(profile: Profile, *, method: str, actor: User | None, email: str = "") -> None:
    profile.verified_at = timezone.now()
    profile.verification_method = method
    profile.verification_email = email if method == Profile.VerificationMethod.EMAIL_DOMAIN else ""
    profile.verified_by = actor if method == Profile.VerificationMethod.APPROVAL else None
    profile.save(update_fields=["verified_at", "verification_method", "verification_email", "verified_by"])
    audit.record(
        profile.user,
        "accounts.profile.verified",
        actor=actor,
        data={"method": method, "municipality": profile.municipality_id},
    )
    add_role(user=profile.user, role=roles.MEMBER, actor=actor)
    VerificationRequest.objects.pending().filter(user=profile.user).update(
        status=VerificationRequest.Status.APPROVED, decided_at=profile.verified_at, decided_by=actor
    )


def _revoke_verification(profile: Profile, *, actor: User) -> None:
    profile.verified_at = None
    profile.verification_method = ""
    profile.verification_email = ""
    profile.verified_by = None
    profile.save(update_fields=["verified_at", "verification_method", "verification_email", "verified_by"])
    audit.record(profile.user, "accounts.profile.verification_revoked", actor=actor)
    remove_role(user=profile.user, role=roles.MEMBER, actor=actor)


# --- profile -------------------------------------------------------------------------------------


@transaction.atomic
def update_profile(
    *,
    user: User,
    actor: User,
    full_name: str,
    municipality,
    role_kind: str,
    administrative_role=None,
    work_field=None,
    themes=(),
) -> Profile:
    """Change name and profile. Moving to another municipality ends the earlier verification."""
    profile = selectors.profile_of(user)
    changed = []
    if user.full_name != full_name.strip():
        user.full_name = full_name.strip()
        user.save(update_fields=["full_name"])
        changed.append("full_name")
    values = {
        "municipality": municipality,
        "role_kind": role_kind,
        "administrative_role": administrative_role if role_kind == Profile.RoleKind.ADMINISTRATIVE else None,
        "work_field": work_field if role_kind == Profile.RoleKind.CIVIL_SERVICE else None,
    }
    municipality_changed = profile.municipality_id != (municipality.pk if municipality else None)
    for name, value in values.items():
        if getattr(profile, name) != value:
            setattr(profile, name, value)
            changed.append(name)
    profile.full_clean(exclude=["user"])
    profile.save()
    old_themes = set(profile.themes.values_list("pk", flat=True))
    new_themes = {theme.pk for theme in themes}
    if old_themes != new_themes:
        profile.themes.set(new_themes)
        changed.append("themes")
    if municipality_changed and profile.verified_at is not None:
        _revoke_verification(profile, actor=actor)
        VerificationRequest.objects.pending().filter(user=user).delete()
    if changed:
        audit.record(user, "accounts.profile.changed", actor=actor, data={"fields": changed})
    return profile


@transaction.atomic
def update_account_details(*, user: User, actor: User, full_name: str, email: str | None = None) -> User:
    """Change the name and, when given, the login address (Wagtail's own account page).

    A new address counts as unconfirmed until its owner opens the link mailed to it, as at
    registration. Returns the saved user.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    changed = []
    if user.full_name != full_name.strip():
        user.full_name = full_name.strip()
        changed.append("full_name")
    if email is not None:
        email = User.objects.normalize_email(email).strip().lower()
        if email != user.email:
            user.email = email
            changed.append("email")
    if not changed:
        return user
    user.save(update_fields=changed)
    if "email" in changed:
        profile = selectors.profile_of(user)
        profile.email_confirmed_at = None
        profile.save(update_fields=["email_confirmed_at"])
        send_login_confirmation(user=user)
    audit.record(user, "accounts.profile.changed", actor=actor, data={"fields": changed})
    return user


# --- roles ---------------------------------------------------------------------------------------


def add_role(*, user: User, role: str, actor: User | None) -> None:
    """Put `user` in the group of `role`; the audit entry comes from the group-change receiver."""
    group = Group.objects.filter(name=role).first()
    if group is None:
        sync_roles()
        group = Group.objects.get(name=role)
    with _log_context(actor):
        user.groups.add(group)


def _log_context(actor: User | None):
    # The receiver records who changed the roles; it reads the actor from Wagtail's log context.
    return LogContext(user=actor) if actor is not None else nullcontext()


def remove_role(*, user: User, role: str, actor: User | None) -> None:
    with _log_context(actor):
        user.groups.remove(*Group.objects.filter(name=role))


@transaction.atomic
def sync_roles() -> list[str]:
    """Create or update one group per role with exactly its declared permissions. Idempotent.

    Returns the declared permissions that do not exist (yet), for example of an app not installed.
    """
    missing = []
    for role in roles.ROLES.values():
        group, _created = Group.objects.get_or_create(name=role.name)
        wanted = []
        for dotted in sorted(role.permissions):
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None:
                missing.append(dotted)
            else:
                wanted.append(permission)
        if set(group.permissions.all()) != set(wanted):
            group.permissions.set(wanted)
        _sync_collection_permissions(group, wanted)
    if missing:
        logger.warning("Role permissions not found: %s", ", ".join(sorted(set(missing))))
    return sorted(set(missing))


# Wagtail checks documents and images per collection; the group's model permission alone lets a
# role see the menu item but not upload or choose anything.
_COLLECTION_APPS = ("wagtaildocs", "wagtailimages")


def _sync_collection_permissions(group: Group, wanted: list[Permission]) -> None:
    """Give `group` its document and image permissions on the root collection (all collections)."""
    root = Collection.get_first_root_node()
    if root is None:  # a database without Wagtail's tree (a flushed test database)
        return
    media = {p.pk: p for p in wanted if p.content_type.app_label in _COLLECTION_APPS}
    granted = GroupCollectionPermission.objects.filter(
        group=group, collection=root, permission__content_type__app_label__in=_COLLECTION_APPS
    )
    granted.exclude(permission_id__in=media).delete()
    have = set(granted.values_list("permission_id", flat=True))
    GroupCollectionPermission.objects.bulk_create(
        GroupCollectionPermission(group=group, collection=root, permission=media[pk])
        for pk in media.keys() - have
    )


def record_group_change(*, user: User, action: str, group_names: list[str]) -> None:
    """Audit a change of role membership (called by the m2m receiver for every path, admin too)."""
    if group_names:
        audit.record(user, action, data={"roles": sorted(group_names)})


# --- two factors ---------------------------------------------------------------------------------


@transaction.atomic
def start_totp_setup(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator device being set up, created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with a code from the app; returns fresh backup codes, None if wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save()
    static, _created = StaticDevice.objects.get_or_create(
        user=device.user, name=_("Backup codes"), defaults={"confirmed": True}
    )
    static.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(BACKUP_CODE_COUNT)]
    for code in codes:
        static.token_set.create(token=code)
    audit.record(device.user, "accounts.two_factor.enabled", actor=device.user)
    return codes


def has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- deletion ------------------------------------------------------------------------------------


@transaction.atomic
def delete_account(*, user: User, actor: User) -> None:
    """Delete the account and its personal data; audit entries stay, without personal data.

    Raises LastAdministrator when no other active account could manage the platform.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    is_administrator = user.is_superuser or user.groups.filter(name=roles.ADMINISTRATOR).exists()
    if is_administrator and not selectors.holders_of_administrator_rights(exclude=user).exists():
        raise LastAdministrator(
            _(
                "You are the last administrator. "
                "Make someone else administrator before you delete your account."
            )
        )
    audit.record(user, "accounts.user.deleted", actor=actor if actor.pk != user.pk else None)
    personal_data.erase_for(user)
    _anonymise_audit_trail(user)
    user.delete()


def _anonymise_audit_trail(user: User) -> None:
    from django.contrib.contenttypes.models import ContentType

    user_type = ContentType.objects.get_for_model(User)
    for model in log_registry.get_log_entry_models():
        model.objects.filter(user_id=user.pk).update(user=None)
        if any(field.name == "object_id" for field in model._meta.get_fields()):
            model.objects.filter(content_type=user_type, object_id=str(user.pk)).update(
                label=_("deleted account"), data={}
            )
