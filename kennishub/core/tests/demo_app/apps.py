from django.apps import AppConfig


class DemoAppConfig(AppConfig):
    name = "kennishub.core.tests.demo_app"
    label = "core_tests_demo_app"
    verbose_name = "Demo test app"
