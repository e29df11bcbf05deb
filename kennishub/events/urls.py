from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("maand/<int:year>/<int:month>/", views.month_view, name="month"),
    path("terugkijken/", views.past_view, name="past"),
    path("agenda.ics", views.feed_view, name="feed"),
    path("thema/<slug:slug>/agenda.ics", views.feed_view, name="theme_feed"),
    path("mijn-aanmeldingen/", views.my_registrations_view, name="mine"),
    path("api-sleutel/", views.api_token_view, name="api_token"),
    path("certificaat-controleren/", views.verify_certificate_view, name="verify_certificate"),
    path("inschrijving/<str:token>/", views.registration_view, name="registration"),
    path("inschrijving/<str:token>/annuleren/", views.cancel_registration_view, name="cancel_registration"),
    path("inschrijving/<str:token>/accepteren/", views.accept_offer_view, name="accept_offer"),
    path("inchecken/<str:code>/", views.checkin_code_view, name="checkin_code"),
    path("team/<int:pk>/", views.team_view, name="team"),
    path("team/<int:pk>/<int:registration_pk>/annuleren/", views.team_cancel_view, name="team_cancel"),
    path("team/<int:pk>/<int:registration_pk>/vervangen/", views.team_replace_view, name="team_replace"),
    path("<slug:slug>/", views.detail_view, name="detail"),
    path("<slug:slug>/aanmelden/", views.register_view, name="register"),
    path("<slug:slug>/team-aanmelden/", views.register_team_view, name="register_team"),
    path("<slug:slug>/gast-aanmelden/", views.register_guest_view, name="register_guest"),
    path("<slug:slug>/agenda.ics", views.session_ics_view, name="session_ics"),
    path("<slug:slug>/certificaat.pdf", views.certificate_view, name="certificate"),
    path("<slug:slug>/evaluatie/", views.evaluate_view, name="evaluate"),
    path("<slug:slug>/deelnemers/", views.participants_view, name="participants"),
    path("<slug:slug>/deelnemers/export.<str:file_format>", views.export_view, name="export"),
    path("<slug:slug>/inchecken/", views.checkin_view, name="checkin"),
    path("<slug:slug>/inchecken/<int:pk>/", views.checkin_one_view, name="checkin_one"),
    path("<slug:slug>/annuleren/", views.cancel_session_view, name="cancel_session"),
    path("<slug:slug>/wijziging-melden/", views.notify_change_view, name="notify_change"),
    path("<slug:slug>/kennisproduct/", views.submit_output_view, name="submit_output"),
]
