"""Webhook test fixtures: a local receiver (http.server on 127.0.0.1 in a thread) and a memory queue."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.core import jobs, transaction
from app.webhooks import outbox, subscriptions


class Receiver:
    def __init__(self):
        self.requests: list[tuple[dict, bytes]] = []
        self.codes: list[int] = []  # answers to give, in order; 200 once they run out
        self.hold: threading.Event | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append((dict(self.headers), body))
                if receiver.hold is not None:  # keep the sender waiting (a worker killed mid-delivery)
                    receiver.hold.wait(30)
                code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.handle_error = lambda _request, _address: None  # a sender killed mid-request: not our error
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?x=1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture()
def memory_queue(app, monkeypatch):
    """A fresh in-memory huey for this test (the app's default would be a file under instance/)."""
    monkeypatch.setitem(app.config, "JOB_QUEUE_URL", "memory://")
    monkeypatch.delitem(app.extensions, jobs.EXTENSION, raising=False)
    huey = jobs.get(app)
    yield huey
    app.extensions.pop(jobs.EXTENSION, None)


@pytest.fixture(autouse=True)
def _fresh_cache():
    outbox.clear()
    yield
    outbox.clear()


@pytest.fixture()
def subscribe(app):
    def _subscribe(unit_code: str, url: str, events) -> subscriptions.Created:
        created = subscriptions.add(unit_id=None, unit_code=unit_code, url=url, events=list(events), actor=None,
                                    production=False)
        transaction.commit()
        return created

    return _subscribe
