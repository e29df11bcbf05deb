"""Feed formats by name, the way Open Forms registers its prefill plugins.

Each format module calls ``register`` at import; ``get("edudex")`` returns its parser. The harvest
command, the feed form and the service only ever go through this registry.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from .base import ParseResult


@dataclass(frozen=True)
class Format:
    name: str
    label: str | Promise
    parse: Callable[[bytes], ParseResult]


_formats: dict[str, Format] = {}


def register(name: str, label: str | Promise, parse: Callable[[bytes], ParseResult]) -> None:
    _formats[name] = Format(name=name, label=label, parse=parse)


def _load() -> None:
    from . import edudex, ooapi, schemaorg, spreadsheet  # noqa: F401  (each registers itself)


def get(name: str) -> Format:
    _load()
    return _formats[name]


def names() -> list[str]:
    _load()
    return list(_formats)


def choices() -> list[tuple[str, str | Promise]]:
    _load()
    return [(name, fmt.label) for name, fmt in _formats.items()]
