"""Reads about accounts that views, API, tasks and other apps need."""

from django.db.models import Q, QuerySet

from . import roles
from .models import MunicipalityEmailDomain, Profile, User, VerificationRequest


def profile_of(user: User) -> Profile:
    """The profile of `user`, created empty when an older account has none."""
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


def is_verified_member(user) -> bool:
    """True when `user` is an active account whose link to a municipality is verified."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Profile.objects.filter(user=user, verified_at__isnull=False).exists()


def requires_second_factor(user) -> bool:
    """Staff (is_staff, superuser, a staff role, or admin access) must log in with TOTP."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    if user.groups.filter(name__in=roles.STAFF_ROLES).exists():
        return True
    return user.has_perm(roles.ADMIN_ACCESS)


def any_email_domain_known() -> bool:
    """True once a beheerder has registered at least one municipal e-mail domain."""
    return MunicipalityEmailDomain.objects.exists()


def email_domain_known(municipality) -> bool:
    """True when an address at `municipality` can verify a member: it has a registered domain.

    A fresh site has none (there is no public list to load), so every member is then verified by a
    beheerder's approval instead.
    """
    if municipality is None:
        return False
    return MunicipalityEmailDomain.objects.filter(municipality=municipality).exists()


def municipality_for_email(email: str):
    """The municipality whose registered domain matches the domain of `email`, or None."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    found = MunicipalityEmailDomain.objects.select_related("municipality").filter(domain=domain).first()
    return found.municipality if found else None


def pending_verification_requests() -> QuerySet[VerificationRequest]:
    return (
        VerificationRequest.objects.pending()
        .select_related("user", "user__profile", "municipality", "user__profile__work_field")
        .select_related("user__profile__administrative_role")
        .order_by("created_at")
    )


def pending_request_of(user: User) -> VerificationRequest | None:
    return VerificationRequest.objects.pending().filter(user=user).select_related("municipality").first()


def holders_of_administrator_rights(*, exclude: User | None = None) -> QuerySet[User]:
    """Active accounts that can manage users: superusers and members of "beheerder"."""
    users = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__name=roles.ADMINISTRATOR)
    )
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.distinct()
