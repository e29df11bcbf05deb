"""Every error under /api/v1 as ``application/problem+json`` (RFC 9457).

The shape follows the Dutch API Design Rules and Open Forms (src/openforms/api/exception_handling.py):
``type`` (a URI naming the kind of error), ``title`` (Dutch, the same for every error of that kind),
``status``, ``detail`` (Dutch, about this occurrence), ``instance`` (``urn:uuid:…``, also logged, so
a user who reports it can be found back in the logs) and, for invalid input, ``invalidParams``
naming each parameter (camelCase, as the client sent it), a code and a Dutch reason.
"""

import logging
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from djangorestframework_camel_case.util import camelize_re, underscore_to_camel
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kennishub.core.exceptions import DomainError

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


@dataclass(frozen=True)
class ProblemType:
    code: str  # last segment of the type URI: /api/v1/fouten/<code>
    title: str


# One entry per kind of error. The codes are part of the interface: never rename one.
INVALID_INPUT = ProblemType("ongeldige-invoer", _("The input is invalid."))
NOT_AUTHENTICATED = ProblemType("niet-ingelogd", _("You are not logged in."))
AUTHENTICATION_FAILED = ProblemType("inloggen-mislukt", _("Logging in failed."))
PERMISSION_DENIED = ProblemType("geen-toegang", _("You do not have access."))
NOT_FOUND = ProblemType("niet-gevonden", _("The resource does not exist."))
METHOD_NOT_ALLOWED = ProblemType("methode-niet-toegestaan", _("This method is not allowed."))
NOT_ACCEPTABLE = ProblemType("niet-acceptabel", _("The requested format cannot be delivered."))
UNSUPPORTED_MEDIA_TYPE = ProblemType("mediatype-niet-ondersteund", _("The media type is not supported."))
THROTTLED = ProblemType("te-veel-verzoeken", _("Too many requests."))
CONFLICT = ProblemType("conflict", _("The request conflicts with the current state."))
SERVER_ERROR = ProblemType("serverfout", _("Something went wrong on our side."))
GENERIC = ProblemType("fout", _("The request could not be handled."))

PROBLEM_TYPES = (
    INVALID_INPUT,
    NOT_AUTHENTICATED,
    AUTHENTICATION_FAILED,
    PERMISSION_DENIED,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    NOT_ACCEPTABLE,
    UNSUPPORTED_MEDIA_TYPE,
    THROTTLED,
    CONFLICT,
    SERVER_ERROR,
)


class QueryParameterError(exceptions.ValidationError):
    """Invalid query parameters: reported under the names the client sent, not camelized."""


def camel_case(name: str) -> str:
    return camelize_re.sub(underscore_to_camel, name)


def invalid_params(detail, prefix: str = "", *, camelize: bool = True) -> list[dict]:
    """Flatten DRF error details into ``[{name, code, reason}]``; nested names are dotted.

    Serializer fields are snake_case in Python and camelCase on the wire, so their names are
    camelized; query parameter names are reported exactly as sent.
    """
    params: list[dict] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = camel_case(str(key)) if camelize else str(key)
            params.extend(invalid_params(value, f"{prefix}.{name}" if prefix else name, camelize=camelize))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                name = f"{prefix}.{index}" if prefix else str(index)
                params.extend(invalid_params(value, name, camelize=camelize))
            else:
                params.extend(invalid_params(value, prefix, camelize=camelize))
    else:
        params.append(
            {
                "name": prefix or "nonFieldErrors",
                "code": getattr(detail, "code", "invalid"),
                "reason": str(detail),
            }
        )
    return params


def problem_type_uri(request, code: str) -> str:
    path = reverse("api:error-type", kwargs={"code": code})
    return request.build_absolute_uri(path) if request is not None else path


def problem_response(
    request,
    *,
    problem: ProblemType,
    status_code: int,
    detail: str,
    headers: dict | None = None,
    extra: dict | None = None,
) -> Response:
    data = {
        "type": problem_type_uri(request, problem.code),
        "title": str(problem.title),
        "status": status_code,
        "detail": detail,
        "instance": f"urn:uuid:{uuid.uuid4()}",
        **(extra or {}),
    }
    response = Response(data, status=status_code, headers=headers)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def _describe(exc: exceptions.APIException, request) -> tuple[ProblemType, str]:
    """The problem type and a Dutch detail for an exception DRF knows."""
    if isinstance(exc, exceptions.ValidationError):
        return INVALID_INPUT, gettext("Check the parameters listed in invalidParams.")
    if isinstance(exc, exceptions.NotAuthenticated):
        return NOT_AUTHENTICATED, gettext("Log in, or send a valid token in the Authorization header.")
    if isinstance(exc, exceptions.AuthenticationFailed):
        return AUTHENTICATION_FAILED, str(exc.detail)
    if isinstance(exc, exceptions.PermissionDenied):
        return PERMISSION_DENIED, gettext("You do not have permission to do this.")
    if isinstance(exc, exceptions.NotFound):
        if str(exc.detail) == str(exceptions.NotFound.default_detail):
            return NOT_FOUND, gettext("There is nothing at this address.")
        return NOT_FOUND, str(exc.detail)
    if isinstance(exc, exceptions.MethodNotAllowed):
        method = request.method if request is not None else ""
        return METHOD_NOT_ALLOWED, gettext("The method %(method)s is not allowed here.") % {"method": method}
    if isinstance(exc, exceptions.NotAcceptable):
        return NOT_ACCEPTABLE, gettext("This API answers in application/json only.")
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return UNSUPPORTED_MEDIA_TYPE, gettext("Send the request body as application/json.")
    if isinstance(exc, exceptions.Throttled):
        if exc.wait is not None:
            detail = gettext("Too many requests. Try again in %(seconds)d seconds.") % {
                "seconds": int(exc.wait) + 1
            }
        else:
            detail = gettext("Too many requests. Try again later.")
        return THROTTLED, detail
    return GENERIC, str(exc.detail)


def problem_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: turn any exception into a problem+json response."""
    request = context.get("request")
    if isinstance(exc, DomainError):
        return problem_response(
            request,
            problem=ProblemType(exc.code, CONFLICT.title),
            status_code=getattr(exc, "status", status.HTTP_409_CONFLICT),
            detail=exc.message,
        )

    response = drf_exception_handler(exc, context)
    if response is None:
        # Not an error DRF knows how to answer: a bug. Log it with the instance id the client sees.
        problem = problem_response(
            request,
            problem=SERVER_ERROR,
            status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
            detail=gettext("The error has been logged. Please try again later."),
        )
        logger.exception("Unhandled error in the API (%s)", problem.data["instance"], exc_info=exc)
        return problem

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    problem, detail = _describe(exc, request)
    extra = {}
    if isinstance(exc, exceptions.ValidationError):
        extra["invalidParams"] = invalid_params(exc.detail, camelize=not isinstance(exc, QueryParameterError))
    # Keep the headers DRF set (WWW-Authenticate, Retry-After, Allow).
    headers = {key: value for key, value in response.items() if key.lower() != "content-type"}
    return problem_response(
        request,
        problem=problem,
        status_code=response.status_code,
        detail=detail,
        headers=headers,
        extra=extra,
    )
