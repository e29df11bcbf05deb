from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("opleidingen/", views.index, name="index"),
    path("opleidingen/sjabloon.csv", views.template_download, name="template"),
    path("opleidingen/thema-interesse/", views.theme_interest, name="theme_interest"),
    path("opleidingen/aanbieders/<slug:code>/", views.provider_detail, name="provider"),
    path("opleidingen/vraag/", views.demand, name="demand"),
    path("opleidingen/oogst/", views.harvest_list, name="harvest_list"),
    path("opleidingen/oogst/proef/", views.dry_run, name="dry_run"),
    path("opleidingen/oogst/aan-de-beurt/", views.harvest_due, name="harvest_due"),
    path("opleidingen/oogst/feeds/<int:pk>/oogsten/", views.harvest_feed, name="harvest_feed"),
    path("opleidingen/oogst/<int:pk>/", views.harvest_report, name="harvest_report"),
    path("opleidingen/<slug:slug>/", views.course_detail, name="course"),
    path("opleidingen/<slug:slug>/interesse/", views.course_interest, name="interest"),
    path("opleidingen/<slug:slug>/uitvoeringen/<int:pk>/agenda.ics", views.run_ical, name="run_ical"),
]
