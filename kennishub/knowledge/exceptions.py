from django.utils.translation import gettext_lazy as _

from kennishub.core.exceptions import DomainError


class KnowledgeBaseMissing(DomainError):
    code = "kennisbank-ontbreekt"
    default_message = _("The knowledge base has not been set up yet. Ask a platform administrator.")


class NotAMember(DomainError):
    code = "geen-lid"
    default_message = _("Only verified members of a municipality can submit a good practice.")


class NotAllowedToReview(DomainError):
    code = "geen-recht-op-beoordelen"
    default_message = _("You may not mark this knowledge product as reviewed.")
