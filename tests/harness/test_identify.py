"""An emulator at a URL is named only on positive evidence: its own identifying answer.

A server that answers HTTP 200 to any GET (``/moto-api/`` included) used to be taken for moto
server and judged with moto's expectations, so its own divergences counted as known. Now each
implementation is named only when a route answers with content only it serves; anything else is
"unknown" and judged with no expectations.

Run: ``pytest tests/harness/test_identify.py``.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator

import pytest

from conformance.endpoints import Endpoint, identify, parse
from conformance.endpoints.url import is_moto_dashboard

#: moto server's dashboard head, as ``python -m moto.server`` serves it at GET /moto-api/.
MOTO_DASHBOARD = (
    b'<!DOCTYPE html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n  <title>Moto</title>\n'
)


@pytest.fixture
def serving() -> Iterator[Callable[[dict[str, bytes]], str]]:
    """A local HTTP server answering each listed GET path with 200 and its body, anything else with 404."""
    servers: list[http.server.HTTPServer] = []

    def serve(routes: dict[str, bytes]) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server hook's name
                body = routes.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "body",
    [b"", b"OK", b"{}", b'{"status": "running"}', b"<html><title>Dashboard</title></html>", b"moto"],
    ids=["empty", "ok", "empty-json", "json", "other-html", "the-word-moto"],
)
def test_a_server_answering_200_on_moto_api_with_other_content_is_unknown(serving, body):
    url = serving({"/moto-api/": body, "/moto-api/data.json": b"{}"})
    assert identify(url) == ("unknown", url, "unknown")


def test_a_server_answering_200_on_every_health_route_with_other_content_is_unknown(serving):
    url = serving(
        {"/reference-api/health": b'{"ok": true}', "/health": b'{"ok": true, "x": 1}', "/moto-api/": b"up"}
    )
    assert identify(url)[0] == "unknown"


def test_each_implementation_is_named_by_its_own_answer(serving):
    assert identify(serving({"/moto-api/": MOTO_DASHBOARD}))[:2] == ("moto", "moto-server")
    assert identify(serving({"/health": b'{"ok":true}'}))[:2] == ("cognito-local", "cognito-local")
    reference = b'{"ok": true, "name": "cognito-conformance-reference", "version": "9.9"}'
    assert identify(serving({"/reference-api/health": reference})) == (
        "reference",
        "reference-server",
        "reference 9.9",
    )


def test_a_url_endpoint_on_such_a_server_starts_as_unknown(serving):
    url = serving({"/moto-api/": b"OK"})
    endpoint: Endpoint = parse(url)
    endpoint.start()
    assert endpoint.implementation == "unknown" and endpoint.label == url


def test_a_real_moto_server_is_recognised_by_its_dashboard():
    # The evidence is taken from moto itself: the harness's own moto server, identified at its URL.
    endpoint = parse("moto-server")
    endpoint.start()
    try:
        assert endpoint.url is not None
        assert identify(endpoint.url)[:2] == ("moto", "moto-server")
    finally:
        endpoint.stop()


def test_the_dashboard_check_wants_the_title():
    assert is_moto_dashboard(MOTO_DASHBOARD)
    assert is_moto_dashboard(b"<title> Moto </title>")
    assert not is_moto_dashboard(b"<title>Motorcycles</title>")
    assert not is_moto_dashboard(b"Moto")
