"""Demo accounts for trying Kennishub out. Loaded only by the first README command, never by
migrations. Every demo account is marked: its name starts with "Demo" and a dash, and its profile has
``is_demo``. Not for production.
"""

from base64 import b32encode

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from kennishub.core.models import Municipality, WorkField

from . import roles, services
from .models import MunicipalityEmailDomain, Profile, User

DEMO_NAME_PREFIX = "Demo \N{EN DASH} "
DEMO_PASSWORD = "Kennishub-demo-2026"  # noqa: S105  (printed on purpose; demo accounts only)

# Fixed secrets, so a tester keeps one authenticator entry across re-installs (base32 of 20 bytes).
DEMO_ACCOUNTS = [
    {
        "email": "demo-lid@utrecht.nl",
        "full_name": DEMO_NAME_PREFIX + "Lid Utrecht",
        "roles": [],
        "totp_secret": None,
        "superuser": False,
    },
    {
        "email": "demo-redacteur@kennishub.nl",
        "full_name": DEMO_NAME_PREFIX + "Redacteur",
        "roles": [roles.EDITOR],
        "totp_secret": "3132333435363738393031323334353637383930",
        "superuser": False,
    },
    {
        "email": "demo-kennismakelaar@kennishub.nl",
        "full_name": DEMO_NAME_PREFIX + "Kennismakelaar",
        "roles": [roles.KNOWLEDGE_BROKER],
        "totp_secret": "4b454e4e49534d414b454c4141522d44454d4f21",
        "superuser": False,
    },
    {
        "email": "demo-jurylid@kennishub.nl",
        "full_name": DEMO_NAME_PREFIX + "Jurylid",
        "roles": [roles.JURY_MEMBER],
        "totp_secret": None,
        "superuser": False,
    },
    {
        "email": "demo-beheerder@kennishub.nl",
        "full_name": DEMO_NAME_PREFIX + "Beheerder",
        "roles": [roles.ADMINISTRATOR],
        "totp_secret": "4b454e4e49534855422d4245484545524445522d",
        "superuser": True,
    },
]


@transaction.atomic
def load_demo(stdout) -> None:
    """Create or update the demo accounts and the e-mail domain utrecht.nl. Idempotent."""
    services.sync_roles()
    utrecht = Municipality.objects.filter(name="Utrecht").first()
    if utrecht is None:
        stdout.write("Gemeente Utrecht not found: load the reference data first. Demo accounts skipped.\n")
        return
    MunicipalityEmailDomain.objects.update_or_create(domain="utrecht.nl", defaults={"municipality": utrecht})
    work_field = WorkField.objects.filter(is_active=True).order_by("name").first()

    stdout.write("\n=== DEMO accounts — for trying Kennishub out, NOT for production ===\n")
    stdout.write(f"Password of every demo account: {DEMO_PASSWORD}\n")
    for spec in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(email=spec["email"])
        user.full_name = spec["full_name"]
        user.is_superuser = spec["superuser"]
        user.is_staff = any(roles.ROLES[role].staff for role in spec["roles"]) or spec["superuser"]
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.save()
        profile, _created = Profile.objects.get_or_create(user=user)
        profile.is_demo = True
        profile.email_confirmed_at = profile.email_confirmed_at or user.date_joined
        profile.municipality = utrecht
        profile.role_kind = Profile.RoleKind.CIVIL_SERVICE
        profile.work_field = work_field
        profile.save()
        if profile.verified_at is None:
            services.mark_verified(profile, method=Profile.VerificationMethod.DEMO, actor=None)
        for role in spec["roles"]:
            services.add_role(user=user, role=role, actor=None)
        line = f"- {spec['email']}  ({', '.join([roles.MEMBER, *spec['roles']])})"
        if spec["totp_secret"]:
            key = bytes.fromhex(spec["totp_secret"])
            TOTPDevice.objects.update_or_create(
                user=user,
                name="Demo authenticator",
                defaults={"key": spec["totp_secret"], "confirmed": True},
            )
            line += f"\n    TOTP secret for your authenticator app: {b32encode(key).decode()}"
        stdout.write(line + "\n")
    stdout.write("Staff demo accounts log in with the password plus a code from the TOTP secret above.\n")
    stdout.write("=== End of DEMO accounts ===\n\n")
