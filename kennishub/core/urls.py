from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("voor-bestuurders/", views.for_administrators, name="for_administrators"),
    path("voor-ambtenaren/", views.for_civil_servants, name="for_civil_servants"),
    path("themas/", views.theme_list, name="themes"),
    path("themas/<slug:slug>/", views.theme_detail, name="theme_detail"),
    path("privacy/", views.privacy, name="privacy"),
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
]
