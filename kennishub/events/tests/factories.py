from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from kennishub.accounts.tests.factories import MemberFactory, ProfileFactory, UserFactory
from kennishub.events.models import Registration, Session, SessionDate


class SessionFactory(DjangoModelFactory):
    """A published on-site session in two weeks, with one date of two hours and 30 seats."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Kennissessie {n}")
    slug = factory.Sequence(lambda n: f"kennissessie-{n}")
    summary = "Wat gemeenten moeten weten."
    format = Session.Format.PHYSICAL
    location = "Nassaulaan 12, Den Haag"
    capacity_physical = 30
    capacity_online = 0
    status = Session.Status.PUBLISHED

    @factory.post_generation
    def starts_at(obj, create, extracted, **kwargs):
        start = extracted or timezone.now() + timedelta(days=14)
        if create:
            SessionDate.objects.create(session=obj, starts_at=start, ends_at=start + timedelta(hours=2))
            obj.starts_at, obj.ends_at = start, start + timedelta(hours=2)
            obj.save()

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        # ParentalManyToManyField: the themes are written when the session is saved.
        if create and extracted:
            obj.themes.set(extracted)
            obj.save()


def verified_member(municipality=None, **kwargs):
    user = UserFactory(**kwargs)
    ProfileFactory(user=user, verified=True, **({"municipality": municipality} if municipality else {}))
    return user


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(SessionFactory)
    user = factory.SubFactory(MemberFactory)
    name = factory.LazyAttribute(lambda o: o.user.full_name if o.user else "Gast")
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "gast@example.org")
    municipality = factory.LazyAttribute(lambda o: o.user.profile.municipality if o.user else None)
    status = Registration.Status.CONFIRMED
    mode = Registration.Mode.PHYSICAL
    confirmed_at = factory.LazyFunction(timezone.now)


def member_with_role(role_kind: str, administrative_role=None, municipality=None, **kwargs):
    """A verified member whose profile says bestuurlijk/ambtelijk ("" for unknown), and which role."""
    from kennishub.accounts.models import Profile

    user = verified_member(municipality=municipality, **kwargs)
    Profile.objects.filter(user=user).update(role_kind=role_kind, administrative_role=administrative_role)
    user.refresh_from_db()
    return user
