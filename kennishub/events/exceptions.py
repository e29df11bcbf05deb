"""Rules of registration that services enforce; each carries a Dutch message (via gettext)."""

from django.utils.translation import gettext_lazy as _

from kennishub.core.exceptions import DomainError


class AlreadyRegistered(DomainError):
    code = "al-aangemeld"
    default_message = _("You are already registered for this session or on its waiting list.")


class RegistrationClosed(DomainError):
    code = "aanmelding-gesloten"
    default_message = _("Registration for this session is not open.")


class ModeNotAvailable(DomainError):
    code = "vorm-niet-beschikbaar"
    default_message = _("This session cannot be attended in the chosen way.")


class MunicipalityLimitReached(DomainError):
    code = "maximum-per-gemeente"
    default_message = _("The maximum number of participants from your municipality has been reached.")


class NotSameMunicipality(DomainError):
    code = "andere-gemeente"
    default_message = _("A team consists of colleagues of the same municipality.")


class NotInAudience(DomainError):
    code = "buiten-doelgroep"
    default_message = _("This session is meant for another audience.")


class NoOutputYet(DomainError):
    code = "nog-geen-opbrengst"
    default_message = _("The output of a session can be published once the session is over.")


class OutputExists(DomainError):
    code = "opbrengst-bestaat"
    default_message = _("A knowledge product has already been made of this session.")


class NotTeamRegistrant(DomainError):
    code = "niet-uw-team"
    default_message = _("Only the colleague who registered the team can change it.")


class GuestsNotAllowed(DomainError):
    code = "geen-gasten"
    default_message = _("For this session you need an account as a verified member.")


class MissingMunicipality(DomainError):
    code = "gemeente-onbekend"
    default_message = _("Fill in your municipality in your profile before you register.")


class OfferExpired(DomainError):
    code = "aanbod-verlopen"
    default_message = _("The offer has expired. The seat has gone to the next person on the waiting list.")


class NotCancellable(DomainError):
    code = "niet-te-annuleren"
    default_message = _("This registration has already been cancelled or has lapsed.")


class NoSeat(DomainError):
    code = "geen-plaats"
    default_message = _("This person has no seat for the session and cannot be checked in.")


class NotAttended(DomainError):
    code = "niet-aanwezig"
    default_message = _("Only participants who were checked in can do this.")
