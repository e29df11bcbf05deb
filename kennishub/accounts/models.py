"""Accounts: a custom user who logs in with an e-mail address.

The profile (gemeente, rol, werkveld, followed themes) and the verification of the link to a
gemeente live beside the user in this app.
"""

import re

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("staff"), default=False, help_text=_("Can log in to the management environment.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined on"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    # Wagtail's admin reads first and last name; we keep one name field (least data).
    @property
    def first_name(self) -> str:
        return self.full_name

    @property
    def last_name(self) -> str:
        return ""


class Profile(models.Model):
    """What a member tells us about their work: gemeente, kind of role, werkveld, followed themes.

    The link to the gemeente counts only once it is verified (``verified_at``); until then the
    member holds no rights beyond reading.
    """

    class RoleKind(models.TextChoices):
        ADMINISTRATIVE = "bestuurlijk", _("administrative (bestuurder)")
        CIVIL_SERVICE = "ambtelijk", _("civil service (ambtenaar)")

    class VerificationMethod(models.TextChoices):
        EMAIL_DOMAIN = "e-maildomein", _("e-mail address at a registered domain")
        APPROVAL = "goedkeuring", _("approved by an administrator")
        DEMO = "demo", _("demo account")

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="profile", verbose_name=_("user")
    )
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("municipality"),
    )
    role_kind = models.CharField(_("kind of role"), max_length=20, choices=RoleKind.choices, blank=True)
    administrative_role = models.ForeignKey(
        "core.AdministrativeRole",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("administrative role"),
    )
    work_field = models.ForeignKey(
        "core.WorkField",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("field of work"),
    )
    themes = models.ManyToManyField(
        "core.Theme", blank=True, related_name="followers", verbose_name=_("followed themes")
    )
    email_confirmed_at = models.DateTimeField(_("e-mail address confirmed on"), null=True, blank=True)
    verified_at = models.DateTimeField(_("municipality verified on"), null=True, blank=True)
    verification_method = models.CharField(
        _("verified by means of"), max_length=20, choices=VerificationMethod.choices, blank=True
    )
    # The work address used for verification; only its domain matters, but the member sees it.
    verification_email = models.EmailField(_("verified work e-mail address"), blank=True)
    verified_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    is_demo = models.BooleanField(_("demo account"), default=False)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        # Granted to the "lid" role: what a verified member may do beyond reading.
        permissions = [("participate", _("Can take part as a verified member"))]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def clean(self):
        super().clean()
        validate_role_fields(
            role_kind=self.role_kind,
            administrative_role=self.administrative_role,
            work_field=self.work_field,
        )


def validate_role_fields(*, role_kind, administrative_role, work_field) -> None:
    """An administrative role belongs to bestuurders, a field of work to ambtenaren."""
    errors = {}
    if administrative_role is not None and role_kind != Profile.RoleKind.ADMINISTRATIVE:
        errors["administrative_role"] = _(
            "Only choose an administrative role if your kind of role is administrative."
        )
    if work_field is not None and role_kind != Profile.RoleKind.CIVIL_SERVICE:
        errors["work_field"] = _("Only choose a field of work if your kind of role is civil service.")
    if errors:
        raise ValidationError(errors)


domain_validator = RegexValidator(
    regex=r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    message=_("Enter a domain name such as utrecht.nl, without @ and without www or http."),
    flags=re.IGNORECASE,
)


class MunicipalityEmailDomain(models.Model):
    """An e-mail domain that belongs to one municipality: confirming an address there verifies."""

    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.CASCADE,
        related_name="email_domains",
        verbose_name=_("municipality"),
    )
    domain = models.CharField(
        _("domain"),
        max_length=253,
        unique=True,
        validators=[domain_validator],
        help_text=_("For example utrecht.nl. Addresses at subdomains do not count."),
    )
    created_at = models.DateTimeField(_("registered on"), auto_now_add=True)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("municipal e-mail domain")
        verbose_name_plural = _("municipal e-mail domains")

    def __str__(self) -> str:
        return f"{self.domain} ({self.municipality})"

    def save(self, *args, **kwargs):
        self.domain = (self.domain or "").strip().lower()
        super().save(*args, **kwargs)

    def clean(self):
        self.domain = (self.domain or "").strip().lower()
        super().clean()


class VerificationRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=VerificationRequest.Status.PENDING)


class VerificationRequest(models.Model):
    """A member asks a beheerder to confirm that they work for a municipality."""

    class Status(models.TextChoices):
        PENDING = "in-behandeling", _("pending")
        APPROVED = "goedgekeurd", _("approved")
        REJECTED = "afgewezen", _("rejected")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="verification_requests", verbose_name=_("member")
    )
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.CASCADE,
        related_name="verification_requests",
        verbose_name=_("municipality"),
    )
    explanation = models.TextField(_("explanation"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("requested on"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason"), max_length=1000, blank=True)

    objects = VerificationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("verification request")
        verbose_name_plural = _("verification requests")
        permissions = [("decide_verificationrequest", _("Can approve or reject verification requests"))]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="in-behandeling"),
                name="accounts_one_pending_request_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.municipality})"
