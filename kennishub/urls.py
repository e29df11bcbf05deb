from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("beheer/", include(wagtailadmin_urls)),
    path("documenten/", include(wagtaildocs_urls)),
    path("api/v1/", include("kennishub.api.urls")),
    path("account/", include("kennishub.accounts.urls")),
    path("", include("kennishub.core.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
