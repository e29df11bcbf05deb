from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kennishub.api"
    label = "api"
    verbose_name = "API"
