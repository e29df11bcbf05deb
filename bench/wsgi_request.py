"""One request through Django's WSGI handler, as a WSGI server would make it: the server's time,
without an HTTP client or the test client's extra work."""

import io
import sys
from urllib.parse import urlencode


def get(handler, path: str, params: dict, *, cookie: str = "") -> int:
    """GET `path` with `params` (and a Cookie header); returns the status code."""
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": urlencode(params), "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1", "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }  # fmt: skip
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    statuses = []
    response = handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        b"".join(response)
    finally:
        response.close()
    return int(statuses[0].split()[0])
