"""sitemap.xml: every public Wagtail page (knowledge products included) and the theme pages."""

from django.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from kennishub.core.models import Theme


class ThemeSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Theme.objects.active().order_by("pk")


SITEMAPS = {"pages": WagtailSitemap, "themes": ThemeSitemap}
