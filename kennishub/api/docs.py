"""Turn the OpenAPI document into plain structures the documentation template can render."""

from dataclasses import dataclass, field

from django.utils.translation import gettext

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Parameter:
    name: str
    location: str
    type: str
    required: bool
    description: str


@dataclass
class Response:
    status: str
    description: str
    media_types: list[str]
    type: str


@dataclass
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    parameters: list[Parameter]
    responses: list[Response]


@dataclass
class Tag:
    name: str
    description: str
    operations: list[Operation] = field(default_factory=list)


@dataclass
class Property:
    name: str
    type: str
    required: bool
    description: str


@dataclass
class Component:
    name: str
    description: str
    properties: list[Property]


@dataclass
class ApiDescription:
    title: str
    description: str
    servers: list[str]
    tags: list[Tag]
    components: list[Component]


def _or_null(label: str) -> str:
    return gettext("%(type)s or null") % {"type": label}


def type_label(schema: dict) -> str:
    """A short, readable type: ``Gemeente``, ``lijst van Gemeente``, ``tekst (klein, groot)``."""
    if not schema:
        return gettext("any")
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for combinator in ("allOf", "oneOf", "anyOf"):
        if combinator in schema:
            labels = [type_label(part) for part in schema[combinator]]
            label = " / ".join(label for label in labels if label)
            return _or_null(label) if schema.get("nullable") else label
    kind = schema.get("type", "")
    if kind == "array":
        return gettext("list of %(type)s") % {"type": type_label(schema.get("items", {}))}
    label = {
        "string": gettext("text"),
        "integer": gettext("whole number"),
        "number": gettext("number"),
        "boolean": gettext("true or false"),
        "object": gettext("object"),
    }.get(kind, kind)
    if schema.get("format"):
        label = f"{label} ({schema['format']})"
    if schema.get("enum"):
        values = ", ".join(str(value) for value in schema["enum"] if value not in (None, ""))
        label = f"{label}: {values}"
    if schema.get("nullable"):
        label = _or_null(label)
    return label


def _response_type(response: dict) -> tuple[list[str], str]:
    content = response.get("content", {})
    media_types = list(content)
    schema = next(iter(content.values()), {}).get("schema", {}) if content else {}
    return media_types, type_label(schema) if schema else ""


def describe(schema: dict) -> ApiDescription:
    tag_descriptions = {tag["name"]: tag.get("description", "") for tag in schema.get("tags", [])}
    tags: dict[str, Tag] = {}
    for path, path_item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            tag_name = (operation.get("tags") or [""])[0]
            tag = tags.setdefault(tag_name, Tag(tag_name, tag_descriptions.get(tag_name, "")))
            parameters = [
                Parameter(
                    name=parameter["name"],
                    location=parameter["in"],
                    type=type_label(parameter.get("schema", {})),
                    required=parameter.get("required", False),
                    description=parameter.get("description", ""),
                )
                for parameter in operation.get("parameters", [])
            ]
            responses = [
                Response(status, response.get("description", ""), *_response_type(response))
                for status, response in sorted(operation.get("responses", {}).items())
            ]
            tag.operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    anchor=operation.get("operationId", f"{method}-{path}"),
                    summary=operation.get("summary", ""),
                    description=operation.get("description", ""),
                    parameters=parameters,
                    responses=responses,
                )
            )
    components = []
    for name, component in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(component.get("required", []))
        properties = [
            Property(
                name=property_name,
                type=type_label(property_schema),
                required=property_name in required,
                description=property_schema.get("description", ""),
            )
            for property_name, property_schema in component.get("properties", {}).items()
        ]
        description = component.get("description", "")
        if "enum" in component:
            description = type_label({key: value for key, value in component.items() if key != "description"})
        components.append(Component(name, description, properties))
    info = schema.get("info", {})
    return ApiDescription(
        title=info.get("title", ""),
        description=info.get("description", ""),
        servers=[server["url"] for server in schema.get("servers", [])],
        tags=list(tags.values()),
        components=components,
    )
