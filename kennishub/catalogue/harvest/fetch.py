"""Fetching a feed: a timeout, a size limit and conditional requests, through httpx.

An unchanged feed costs one request: we send the ETag and Last-Modified we got last time, and a
304 answer ends the harvest before anything is read or parsed.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from .base import FeedRefused

MAX_BYTES = getattr(settings, "KH_HARVEST_MAX_BYTES", 50 * 1024 * 1024)
TIMEOUT_SECONDS = getattr(settings, "KH_HARVEST_TIMEOUT_SECONDS", 30)
USER_AGENT = "Kennishub-harvester/1.0 (+https://kennishub.nl)"


@dataclass(frozen=True)
class Fetched:
    content: bytes | None  # None when the server answered 304 Not Modified
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.content is None


def fetch(url: str, *, etag: str = "", last_modified: str = "", max_bytes: int | None = None) -> Fetched:
    """GET `url`; raise FeedRefused when it cannot be fetched, is too big or answers an error."""
    limit = max_bytes or MAX_BYTES
    if urlsplit(url).scheme not in ("http", "https"):
        raise FeedRefused(_("Only http and https addresses can be harvested."))
    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with (
            httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=True, max_redirects=5) as client,
            client.stream("GET", url, headers=headers) as response,
        ):
            if response.status_code == 304:
                return Fetched(None, etag=etag, last_modified=last_modified)
            if response.status_code != 200:
                raise FeedRefused(
                    _("The server answered with status %(status)s for %(url)s.")
                    % {"status": response.status_code, "url": url}
                )
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FeedRefused(_too_big(limit))
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FeedRefused(_too_big(limit))
                chunks.append(chunk)
            return Fetched(
                b"".join(chunks),
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
            )
    except httpx.TimeoutException as error:
        raise FeedRefused(
            _("The server of %(url)s did not answer within %(seconds)s seconds.")
            % {"url": url, "seconds": TIMEOUT_SECONDS}
        ) from error
    except httpx.HTTPError as error:
        raise FeedRefused(
            _("%(url)s could not be fetched: %(error)s.") % {"url": url, "error": error}
        ) from error


def check_size(content: bytes, *, max_bytes: int | None = None) -> None:
    limit = max_bytes or MAX_BYTES
    if len(content) > limit:
        raise FeedRefused(_too_big(limit))


def _too_big(limit: int) -> str:
    return _("The file is larger than %(mb)s MB; we do not harvest it.") % {"mb": limit // (1024 * 1024)}
