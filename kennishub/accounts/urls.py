from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import QueuedPasswordResetForm, UtrechtSetPasswordForm

app_name = "accounts"

urlpatterns = [
    path("inloggen/", views.login_view, name="login"),
    path("uitloggen/", views.logout_view, name="logout"),
    path("tweestapsverificatie/", views.two_factor_view, name="two_factor"),
    path("tweestapsverificatie/instellen/", views.two_factor_setup_view, name="two_factor_setup"),
    path("tweestapsverificatie/reservecodes/", views.backup_codes_view, name="backup_codes"),
    path("registreren/", views.register_view, name="register"),
    path("registreren/verstuurd/", views.registration_done_view, name="registration_done"),
    path("bevestigen/<str:token>/", views.confirm_email_view, name="confirm_email"),
    path("profiel/", views.profile_view, name="profile"),
    path("profiel/wijzigen/", views.profile_edit_view, name="profile_edit"),
    path("profiel/bevestiging-opnieuw/", views.resend_confirmation_view, name="resend_confirmation"),
    path("verifieren/werkadres/", views.request_email_verification_view, name="request_email_verification"),
    path("verifieren/goedkeuring/", views.request_approval_view, name="request_approval"),
    path("verzoeken/", views.requests_view, name="requests"),
    path("verzoeken/<int:pk>/besluit/", views.decide_request_view, name="decide_request"),
    path("mijn-gegevens/", views.my_data_view, name="my_data"),
    path("mijn-gegevens/download/", views.my_data_export_view, name="my_data_export"),
    path("verwijderen/", views.delete_account_view, name="delete"),
    path(
        "wachtwoord-vergeten/",
        auth_views.PasswordResetView.as_view(
            form_class=QueuedPasswordResetForm,
            template_name="accounts/password_reset.html",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "wachtwoord-vergeten/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-herstellen/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=UtrechtSetPasswordForm,
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-herstellen/klaar/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
