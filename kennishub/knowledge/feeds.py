"""Atom feeds: the newest knowledge products, overall and per theme."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from kennishub.core.models import Theme

from . import selectors

FEED_SIZE = 30


class LatestAtomFeed(Feed):
    feed_type = Atom1Feed
    title = "Kennisbank: nieuwe kennisproducten"
    subtitle = _("The newest validated knowledge for municipalities.")

    def link(self):
        return reverse("knowledge:index")

    def author_name(self):
        # RFC 4287 requires an author on the feed or on every entry; the platform answers for the feed.
        return settings.KH_OPERATOR_NAME or "Kennishub"

    def item_author_name(self, item):
        return item.source_organisation.name if item.source_organisation_id else None

    def items(self):
        return selectors.latest_products(limit=FEED_SIZE)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url

    def item_guid(self, item):
        return f"urn:uuid:{item.identifier}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [theme.label for theme in item.themes.all()]


class ThemeAtomFeed(LatestAtomFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Theme.objects.active(), slug=slug)

    def title(self, theme):
        return f"Kennisbank: {theme.display_label}"

    def link(self, theme):
        return theme.get_absolute_url()

    def items(self, theme):
        return selectors.latest_products(limit=FEED_SIZE, theme=theme)
