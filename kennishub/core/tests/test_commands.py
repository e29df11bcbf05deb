"""The management commands load_reference_data and load_demo_data."""

import shutil
from io import StringIO

import pytest
from django.apps import AppConfig, apps
from django.core.management import CommandError, call_command

from kennishub.core.management.commands.load_demo_data import demo_modules
from kennishub.core.models import Municipality, Province, WorkField
from kennishub.core.services.reference_data import DEFAULT_DATA_DIR

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_load_reference_data_loads_the_real_files_and_reports_per_model():
    output = run("load_reference_data")

    assert Municipality.objects.count() == 342
    assert str(Municipality._meta.verbose_name_plural).capitalize() in output
    assert "342" in output


def test_load_reference_data_twice_reports_nothing_created():
    run("load_reference_data")

    output = run("load_reference_data")

    assert Municipality.objects.count() == 342
    assert " 342 " in output  # 342 unchanged
    assert ": 0 " in output


def test_load_reference_data_fails_with_every_problem_and_loads_nothing(tmp_path):
    for source in DEFAULT_DATA_DIR.glob("*.csv"):
        shutil.copy(source, tmp_path / source.name)
    path = tmp_path / "gemeenten.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = lines[4].replace("GM0047,", "GM47,")
    fields = lines[6].split(",")
    fields[4] = "PV99"  # province_code
    lines[6] = ",".join(fields)
    path.write_text("".join(lines), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        run("load_reference_data", "--data-dir", str(tmp_path))

    message = str(error.value)
    assert "gemeenten.csv" in message
    assert "5" in message and "“code”" in message
    assert "7" in message and "“province_code”" in message
    assert Province.objects.count() == 0
    assert Municipality.objects.count() == 0


def test_load_reference_data_exits_non_zero_from_the_command_line(tmp_path, capsys, monkeypatch):
    from django.core.management import ManagementUtility, base

    # The command line closes every database connection when done; keep the test's transaction.
    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    (tmp_path / "provincies.csv").write_text("code,name\nPV20,Groningen\n", encoding="utf-8")

    with pytest.raises(SystemExit) as exit_info:
        argv = ["manage.py", "load_reference_data", "--skip-checks", "--data-dir", str(tmp_path)]
        ManagementUtility(argv).execute()

    assert exit_info.value.code != 0
    assert "tooi_uri" in capsys.readouterr().err
    assert Province.objects.count() == 0


@pytest.fixture
def demo_app(monkeypatch) -> AppConfig:
    """A real app with a demo module, added to the installed apps that the command sees.

    Re-populating the app registry (override INSTALLED_APPS) would run every app's ready() again,
    which Wagtail does not allow, so only the list the command iterates over is extended.
    """
    app_config = AppConfig.create("kennishub.core.tests.demo_app")
    installed = list(apps.get_app_configs())
    monkeypatch.setattr(apps, "get_app_configs", lambda: [*installed, app_config])
    return app_config


def test_demo_modules_are_found_in_our_apps_only():
    found = [
        app_config.name for app_config, _ in demo_modules([AppConfig.create("kennishub.core.tests.demo_app")])
    ]
    assert found == ["kennishub.core.tests.demo_app"]
    assert not list(demo_modules([AppConfig.create("django.contrib.auth")]))
    assert not list(demo_modules([AppConfig.create("kennishub.core")]))  # core has no demo content


def test_load_demo_data_runs_the_demo_module_of_each_app_once(demo_app):
    output = run("load_demo_data")

    assert "DEMO" in output
    assert "demo-werkveld aangemaakt" in output
    assert WorkField.objects.filter(slug="demo-werkveld").count() == 1

    output = run("load_demo_data")

    assert "demo-werkveld bestond al" in output
    assert WorkField.objects.filter(slug="demo-werkveld").count() == 1


def test_migrations_load_no_demo_content():
    assert not WorkField.objects.filter(slug="demo-werkveld").exists()
