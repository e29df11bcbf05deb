"""The primary navigation: one list, in one place.

Link only to sections that exist. When an issue lands a section, it adds one line here, e.g.
``NavItem(_("Knowledge base"), "knowledge:index", "/kennisbank/")``.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    # The path prefix that marks this section as the current one ("/" only matches the home page).
    path_prefix: str


PRIMARY_NAVIGATION: list[NavItem] = [
    NavItem(_("Home"), "core:home", "/"),
    NavItem("Kennisbank", "knowledge:index", "/kennisbank/"),  # a Dutch name, not translated
    NavItem(_("Courses and training"), "catalogue:index", "/opleidingen/"),
    NavItem(_("Knowledge sessions"), "events:index", "/kennissessies/"),
    NavItem(_("Knowledge agenda"), "agenda:index", "/kennisagenda/"),
    NavItem(_("Themes"), "core:themes", "/themas/"),
]
