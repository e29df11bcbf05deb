"""Filters for the log handlers (settings.LOGGING)."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """Keep a refused request (403, 404, 400 …) to its one line.

    ``django.request`` logs a PermissionDenied or a bad request with the exception's whole
    traceback: every refused URL then fills the log with a stack that says nothing new and hides
    the tracebacks of real errors (5xx), which keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
