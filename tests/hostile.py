"""A loopback HTTP server that answers badly on purpose, one behaviour per test; and a process
killed mid-run (:func:`kill_after`).

``server.behave(fn)`` sets what every request gets: ``fn(reply, request)`` where ``request`` has
``path``, ``headers`` and ``body`` (bytes) and ``reply`` writes raw HTTP (status, headers, body,
slow drips, redirects). Every request is logged in ``server.requests``. Drips stop by themselves
after ``max_drip_s`` or when the client goes away, so no test can leave a thread running long.
"""

import gzip
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


class Reply:
    def __init__(self, handler, max_drip_s):
        self.handler = handler
        self.max_drip_s = max_drip_s

    def send(self, status, body=b"", headers=None, content_type="application/json"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body, ensure_ascii=False).encode("utf-8")
        handler = self.handler
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            headers = dict(headers or {})
            headers.setdefault("Content-Length", str(len(body)))
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def redirect(self, status, location):
        self.send(status, b"", {"Location": location})

    def drip(self, body, every_s=0.2, size=1, length=None):
        """Headers at once, then ``size`` bytes every ``every_s``: a read timeout never fires."""
        handler = self.handler
        started = time.monotonic()
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(length if length is not None else len(body)))
            handler.end_headers()
            handler.wfile.flush()
            for k in range(0, len(body), size):
                if time.monotonic() - started > self.max_drip_s:
                    break
                handler.wfile.write(body[k : k + size])
                handler.wfile.flush()
                time.sleep(every_s)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        handler.close_connection = True

    def gzip_bomb(self, decompressed_mb):
        """A small gzip body that expands to ``decompressed_mb`` MB of spaces inside a JSON string."""
        raw = b'{"x": "' + b" " * (decompressed_mb * 1024 * 1024) + b'"}'
        self.send(200, gzip.compress(raw, 9), {"Content-Encoding": "gzip"})


class HostileServer:
    def __init__(self, max_drip_s=5.0):
        self.requests = []
        self.max_drip_s = max_drip_s
        self._behaviour = lambda reply, request: reply.send(404, b"{}")
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.handle_error = lambda request, address: None  # a client that hangs up is expected

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def behave(self, behaviour):
        with self._lock:
            self._behaviour = behaviour
            self.requests.clear()

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(self.path, dict(self.headers), self.rfile.read(length) if length else b"")
                with server._lock:
                    server.requests.append(request)
                    behaviour = server._behaviour
                behaviour(Reply(self, server.max_drip_s), request)

            do_GET = do_POST

        return Handler


def kill_after(command, seen, count, timeout_s=30):
    """Start ``command``, SIGKILL it once ``seen()`` (requests the server received) reaches
    ``count``: a process killed mid-run, as a crash or a closed laptop does."""
    import os
    import signal
    import subprocess
    import time

    child = subprocess.Popen(command)
    try:
        deadline = time.monotonic() + timeout_s
        while seen() < count and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.01)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=10)
