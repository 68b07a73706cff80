"""Serve the offline demo replica (seeds/replica) on 127.0.0.1 so the real spider can crawl it.

Files hold the placeholder ``{{BASE}}`` wherever an absolute link is needed; it is replaced by
the server's base URL in every response, on bytes, so windows-1251 pages pass through intact.
A page encoded in another charset says so in its file name: ``NAME.cp1251.html`` is served as
``text/html; charset=windows-1251`` (see ``CHARSET_SUFFIXES``).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

LOGGER = logging.getLogger(__name__)

DEFAULT_ROOT = Path(__file__).resolve().parent.parent / "seeds" / "replica"
PLACEHOLDER = b"{{BASE}}"
CATALOG_FILE = "outlets.yaml"

# Only these suffixes are served, so README.md and outlets.yaml stay out of the crawl.
CONTENT_TYPES = {
    ".html": "text/html",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".css": "text/css",
    ".svg": "image/svg+xml",
}
FEED_TYPES = {"rss.xml": "application/rss+xml", "atom.xml": "application/atom+xml"}
CHARSET_SUFFIXES = {".cp1251": "windows-1251"}


def content_type(path: Path) -> str | None:
    """Content-Type for a replica file, or None if that kind of file is not served."""
    base_type = FEED_TYPES.get(path.name) or CONTENT_TYPES.get(path.suffix)
    if base_type is None:
        return None
    charset = CHARSET_SUFFIXES.get(Path(path.stem).suffix, "utf-8")
    return f"{base_type}; charset={charset}"


class _ReplicaHandler(BaseHTTPRequestHandler):
    """GET/HEAD for files under ``server.root`` with ETag/Last-Modified revalidation."""

    server: _ReplicaServer
    server_version = "ReplicaHTTP/1.0"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        url_path = unquote(urlsplit(self.path).path)
        if "\\" in url_path or "\0" in url_path or ".." in url_path.split("/"):
            self._send_status(HTTPStatus.FORBIDDEN)
            return
        root = self.server.root
        target = (root / url_path.lstrip("/")).resolve()
        if not target.is_relative_to(root):  # e.g. a symlink pointing out of the tree
            self._send_status(HTTPStatus.FORBIDDEN)
            return
        if target.is_dir():
            if not url_path.endswith("/"):
                location = f"{self.server.base_url}{url_path}/"
                self._send_headers(HTTPStatus.MOVED_PERMANENTLY, {"Location": location})
                return
            target = target / "index.html"
        ctype = content_type(target)
        hidden = any(part.startswith(".") for part in target.relative_to(root).parts)
        if ctype is None or hidden or not target.is_file():
            self._send_status(HTTPStatus.NOT_FOUND)
            return

        body = target.read_bytes().replace(PLACEHOLDER, self.server.base_url.encode("ascii"))
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        mtime = int(target.stat().st_mtime)
        validators = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}
        if self._not_modified(etag, mtime):
            self._send_headers(HTTPStatus.NOT_MODIFIED, validators)
            return
        self._send_headers(HTTPStatus.OK, {"Content-Type": ctype, **validators}, len(body))
        if send_body:
            self.wfile.write(body)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        """RFC 9110 13.2.2: If-None-Match wins; If-Modified-Since only when it is absent."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                since = parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError):
                return False  # an unparsable date is ignored, as the RFC asks
            return mtime <= since
        return False

    def _send_status(self, status: HTTPStatus) -> None:
        body = f"{status.value} {status.phrase}\n".encode()
        self._send_headers(status, {"Content-Type": "text/plain; charset=utf-8"}, len(body))
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_headers(self, status: HTTPStatus, headers: dict[str, str], length: int = 0) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != HTTPStatus.NOT_MODIFIED:  # a 304 describes the cached body, not an empty one
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        LOGGER.debug("%s " + format, self.address_string(), *args)


class _ReplicaServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], root: Path) -> None:
        super().__init__(address, _ReplicaHandler)
        self.root = root
        host, port = self.server_address[:2]
        self.base_url = f"http://{host}:{port}"


@contextmanager
def serve_replica(
    root: Path | None = None, host: str = "127.0.0.1", port: int = 0
) -> Iterator[str]:
    """Serve ``root`` (default: seeds/replica) in a daemon thread; yield the base URL."""
    root = (root or DEFAULT_ROOT).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"replica root {root} is not a directory")
    server = _ReplicaServer((host, port), root)
    thread = threading.Thread(target=server.serve_forever, name="replica-http", daemon=True)
    thread.start()
    LOGGER.info("serving replica %s at %s", root, server.base_url)
    try:
        yield server.base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def render_catalog(base_url: str, root: Path | None = None) -> str:
    """The replica's outlets.yaml with ``{{BASE}}`` replaced by ``base_url``."""
    text = ((root or DEFAULT_ROOT) / CATALOG_FILE).read_text(encoding="utf-8")
    return text.replace(PLACEHOLDER.decode(), base_url.rstrip("/"))
