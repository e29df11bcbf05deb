"""What drf-spectacular cannot know about our API: headers and problem responses on every operation.

Every response carries ``API-Version``; every operation documents the errors it can answer with
as ``application/problem+json`` (Dutch API Design Rules: /core/version-header,
/core/error-handling/problem-details, /core/error-handling/invalid-input).
"""

from django.utils.translation import gettext

from .exceptions import PROBLEM_CONTENT_TYPE
from .middleware import api_version

PROBLEM_REF = {"$ref": "#/components/schemas/Probleem"}


def only_api_v1(endpoints):
    """PREPROCESSING_HOOK: the schema describes API v1, not Wagtail's admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def _problem_schema() -> dict:
    return {
        "type": "object",
        "description": gettext("An error, as described in RFC 9457 (problem details)."),
        "required": ["type", "title", "status", "detail", "instance"],
        "properties": {
            "type": {
                "type": "string",
                "format": "uri",
                "description": gettext("URI that names the kind of error."),
            },
            "title": {"type": "string", "description": gettext("Short description of the kind of error.")},
            "status": {"type": "integer", "description": gettext("The HTTP status code."), "example": 400},
            "detail": {"type": "string", "description": gettext("What went wrong in this request.")},
            "instance": {
                "type": "string",
                "description": gettext("Unique reference to this occurrence (urn:uuid), also in our logs."),
            },
            "invalidParams": {
                "type": "array",
                "description": gettext("The parameters that are invalid, each with a reason."),
                "items": {"$ref": "#/components/schemas/OngeldigeParameter"},
            },
        },
    }


def _invalid_param_schema() -> dict:
    return {
        "type": "object",
        "required": ["name", "code", "reason"],
        "properties": {
            "name": {"type": "string", "description": gettext("Name of the parameter or field.")},
            "code": {"type": "string", "description": gettext("Machine-readable code of the error.")},
            "reason": {"type": "string", "description": gettext("Reason, in Dutch.")},
        },
    }


def _headers() -> dict:
    return {
        "API-Version": {
            "description": gettext("Full version of the API (semantic versioning)."),
            "schema": {"type": "string", "example": api_version()},
        }
    }


def _is_paginated(operation: dict) -> bool:
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    return ref.startswith("#/components/schemas/Paginated")


def _error_responses(operation: dict, path: str, method: str) -> dict[str, str]:
    responses = {
        "400": gettext("Invalid or unknown query parameters, or invalid input."),
        "401": gettext("The token or session sent is not valid."),
        "406": gettext("The Accept header asks for a format other than JSON."),
        "429": gettext("Too many requests; see the Retry-After header."),
        "500": gettext("Error on our side."),
    }
    if "{" in path or _is_paginated(operation):
        responses["404"] = gettext("The resource or page does not exist.")
    if method in {"post", "put", "patch"}:
        responses["415"] = gettext("The request body is not JSON.")
    if operation.get("security") and {} not in operation["security"]:
        responses["403"] = gettext("You do not have permission.")
    return responses


def add_problem_responses_and_headers(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Probleem"] = _problem_schema()
    schemas["OngeldigeParameter"] = _invalid_param_schema()

    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            if method not in {"get", "put", "post", "patch", "delete", "head", "options"}:
                continue
            for parameter in operation.get("parameters", []):
                # The filter backend refuses an empty list (``?sorteer=``), so say so.
                if parameter.get("schema", {}).get("type") == "array":
                    parameter["schema"].setdefault("minItems", 1)
                # Text may not hold NUL characters (PostgreSQL cannot store or compare them): the
                # form fields refuse them with a 400, so the schema says so too.
                if parameter.get("schema", {}).get("type") == "string" and "enum" not in parameter["schema"]:
                    parameter["schema"].setdefault("pattern", "^[^\\u0000]*$")
            paginated = _is_paginated(operation)
            for status_code, description in _error_responses(operation, path, method).items():
                operation["responses"].setdefault(
                    status_code,
                    {"description": description, "content": {PROBLEM_CONTENT_TYPE: {"schema": PROBLEM_REF}}},
                )
            for status_code, response in operation["responses"].items():
                headers = response.setdefault("headers", {})
                headers.update(_headers())
                if status_code.startswith("2") and paginated:
                    headers["Link"] = {
                        "description": gettext("Links to the next and previous page (RFC 8288)."),
                        "schema": {"type": "string"},
                    }
    return result
