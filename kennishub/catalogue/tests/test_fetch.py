"""Fetching feeds over HTTP from a real local server: conditional requests, limits, directories."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kennishub.catalogue import services
from kennishub.catalogue.harvest import fetch
from kennishub.catalogue.models import Course, HarvestRun

from .conftest import fixture_bytes
from .factories import FeedFactory

pytestmark = pytest.mark.django_db


class FeedServer(ThreadingHTTPServer):
    """Serves `documents` by path; answers 304 to a matching If-None-Match; logs every request."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.documents: dict[str, bytes] = {}
        self.requests: list[tuple[str, str]] = []
        self.delay = 0.0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_port}{path}"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        server: FeedServer = self.server
        server.requests.append((self.path, self.headers.get("If-None-Match", "")))
        time.sleep(server.delay)
        body = server.documents.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        etag = f'"{hash(body)}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = FeedServer()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_unchanged_feed_is_answered_304_and_not_parsed_again(provider, server):
    server.documents["/feed.xml"] = fixture_bytes("edudex/example-program.xml")
    feed = FeedFactory(provider=provider, url=server.url("/feed.xml"))
    first = services.harvest(services.start_feed_run(feed=feed))
    assert first.created == 1
    second = services.harvest(services.start_feed_run(feed=feed))
    assert second.status == HarvestRun.Status.NOT_MODIFIED
    assert server.requests[1][1]  # the second request carried the ETag
    assert Course.objects.count() == 1


def test_oversized_feed_is_refused_with_a_clear_message(provider, server, monkeypatch):
    server.documents["/big.xml"] = b"<program>" + b" " * 5000 + b"</program>"
    monkeypatch.setattr(fetch, "MAX_BYTES", 1024)
    run = services.harvest(
        services.start_run(provider=provider, format_name="edudex", source=server.url("/big.xml"))
    )
    assert run.status == HarvestRun.Status.REFUSED
    assert "groter dan" in run.reason


def test_slow_server_is_refused_after_the_timeout(provider, server, monkeypatch):
    server.documents["/slow.xml"] = fixture_bytes("edudex/example-program.xml")
    server.delay = 1.0
    monkeypatch.setattr(fetch, "TIMEOUT_SECONDS", 0.2)
    run = services.harvest(
        services.start_run(provider=provider, format_name="edudex", source=server.url("/slow.xml"))
    )
    assert run.status == HarvestRun.Status.REFUSED and "antwoord" in run.reason


def test_directory_url_harvests_every_program_it_lists_and_names_the_ones_that_fail(provider, server):
    server.documents["/program-1.xml"] = fixture_bytes("edudex/example-program.xml")
    server.documents["/directory.xml"] = f"""<?xml version="1.0" encoding="UTF-8"?>
<edudexDirectory xmlns="http://studieData.nl/schema/edudex/directory">
<editor>feed@voorbeeld.example</editor><generator>test</generator><version>1</version><orgUnitId>voorbeeld</orgUnitId>
<programResource><programId>OMGW-2026</programId><resourceUrl>{server.url("/program-1.xml")}</resourceUrl></programResource>
<programResource><programId>WEG-1</programId><resourceUrl>{server.url("/missing.xml")}</resourceUrl></programResource>
</edudexDirectory>""".encode()
    run = services.harvest(
        services.start_run(provider=provider, format_name="edudex", source=server.url("/directory.xml"))
    )
    assert (run.status, run.created, run.rejected) == (HarvestRun.Status.SUCCEEDED, 1, 1)
    assert run.rejections[0]["record"] == "WEG-1" and "404" in run.rejections[0]["reason"]
