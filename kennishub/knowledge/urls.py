from django.urls import path

from . import feeds, views

app_name = "knowledge"

# /kennisbank/ itself and the product pages are Wagtail pages; these are the other addresses under it.
urlpatterns = [
    path("", views.index, name="index"),
    path("praktijkvoorbeeld-indienen/", views.submit_practice, name="submit_practice"),
    path("praktijkvoorbeeld-ingediend/", views.practice_submitted, name="practice_submitted"),
    path("mijn-praktijkvoorbeelden/", views.my_practices, name="my_practices"),
    path("id/<uuid:identifier>/", views.persistent, name="persistent"),
    path("nieuwsbrief/", views.digest_settings, name="digest"),
    path("nieuwsbrief/afmelden/<str:token>/", views.digest_unsubscribe, name="digest_unsubscribe"),
    path("feeds/thema/<slug:slug>/", feeds.ThemeAtomFeed(), name="theme_feed"),
    path("feeds/nieuw/", feeds.LatestAtomFeed(), name="latest_feed"),
    path("catalogus.rdf", views.dcat_catalogue, name="dcat"),
]
