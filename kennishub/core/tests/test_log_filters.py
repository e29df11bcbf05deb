"""A refused request is logged as one line; a server error keeps its traceback."""

import logging
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied

from kennishub.core.log_filters import RefusalsWithoutTraceback


def logged(status_code: int) -> str:
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RefusalsWithoutTraceback())
    logger = logging.getLogger(f"kh-test-{status_code}")
    logger.addHandler(handler)
    try:
        raise PermissionDenied
    except PermissionDenied:
        logger.warning("Refused: /x/", exc_info=True, extra={"status_code": status_code})
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


@pytest.mark.parametrize("status_code", [400, 403, 404])
def test_a_refusal_is_one_line(status_code):
    assert logged(status_code) == "Refused: /x/\n"


def test_a_server_error_keeps_its_traceback():
    assert "Traceback" in logged(500)


def test_the_console_handler_uses_the_filter(settings):
    console = settings.LOGGING["handlers"]["console"]
    assert "refusals_without_traceback" in console["filters"]
