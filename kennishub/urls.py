from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from kennishub.accounts.wagtail_account import account_view
from kennishub.knowledge.sitemaps import SITEMAPS

urlpatterns = [
    # Before Wagtail's admin: its account page with one name field (see accounts/wagtail_account.py).
    path("beheer/account/", account_view, name="wagtailadmin_account"),
    path("beheer/", include(wagtailadmin_urls)),
    path("documenten/", include(wagtaildocs_urls)),
    path("api/v1/", include("kennishub.api.urls")),
    path("account/", include("kennishub.accounts.urls")),
    path("kennisagenda/", include("kennishub.agenda.urls")),
    path("kennissessies/", include("kennishub.events.urls")),
    path("zoeken/", include("kennishub.search.urls")),
    path("kennisbank/", include("kennishub.knowledge.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("kennishub.catalogue.urls")),
    path("", include("kennishub.core.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
