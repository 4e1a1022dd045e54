"""A threaded loopback HTTP server with a request log and a queue of faults to inject.

Faults are consumed one per request, in order. In-process tests push them with
``sim.push_faults(...)``; another process (``qgis_process``) posts a JSON list to ``/_sim/faults``.
"""

import copy
import json
import random
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Fault names understood by every simulator: HTTP status codes, slow/broken bodies, resets.
GENERIC_FAULTS = ("http:<status>", "timeout", "html", "truncated", "reset")


class Simulator:
    """Base class: subclasses implement ``answer(path, headers, body_bytes) -> (status, bytes)``."""

    name = "simulator"

    def __init__(self, host="127.0.0.1", port=0, latency_s=0.0, timeout_fault_s=3.0, latency_jitter_s=0.0):
        self.faults = deque()
        self.requests = []
        self._made_with = {}
        # latency_jitter_s: the network's jitter, arrivals are not evenly spaced
        self._settings(latency_s=latency_s, latency_jitter_s=latency_jitter_s, timeout_fault_s=timeout_fault_s)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = None

    # -- control ---------------------------------------------------------------------------
    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def push_faults(self, *faults):
        with self._lock:
            self.faults.extend(faults)

    def clear(self):
        with self._lock:
            self.faults.clear()
            self.requests.clear()

    def _settings(self, **values):
        """Set what a test may change, and remember it for :meth:`reset`."""
        self._made_with.update(values)
        for name, value in values.items():
            setattr(self, name, copy.copy(value))

    def reset(self):
        """As made: no requests, faults or learnt places; the constructor's settings back."""
        self.clear()
        self._settings(**self._made_with)

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, name=self.name, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _next_fault(self):
        with self._lock:
            return self.faults.popleft() if self.faults else None

    # -- to be implemented -------------------------------------------------------------------
    def answer(self, path, headers, body, fault=None):
        """(status, payload) for a request; ``fault`` is a simulator-specific fault or None."""
        raise NotImplementedError

    # -- HTTP ------------------------------------------------------------------------------
    def _handler_class(self):
        sim = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet: tests read sim.requests instead
                pass

            def do_GET(self):
                if self.path == "/_sim/requests":
                    with sim._lock:
                        payload = json.dumps(sim.requests).encode()
                    return self._send(200, payload)
                self._send(404, b'{"code":404,"message":"not found"}')

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.path == "/_sim/faults":
                    sim.push_faults(*json.loads(body or b"[]"))
                    return self._send(200, b"{}")
                if self.path == "/_sim/clear":
                    sim.clear()
                    return self._send(200, b"{}")
                with sim._lock:
                    sim.requests.append(
                        {
                            "path": self.path,
                            "headers": dict(self.headers),
                            "body": body.decode("utf-8", "replace"),
                            "time": time.time(),
                        }
                    )
                if sim.latency_s or sim.latency_jitter_s:
                    time.sleep(sim.latency_s + random.uniform(0.0, sim.latency_jitter_s))
                fault = sim._next_fault()
                if fault and self._fault(fault):
                    return
                status, payload = sim.answer(self.path, self.headers, body, fault)
                if fault == "truncated":
                    payload = payload[: max(1, len(payload) // 2)]
                self._send(status, payload)

            def _fault(self, fault):
                """Apply a generic fault; False leaves it to ``answer`` (and to truncation after it)."""
                if fault.startswith("http:"):
                    status = int(fault[5:])
                    payload = json.dumps({"code": status, "message": f"simulated HTTP {status}"}).encode()
                    self._send(status, payload, extra={"Retry-After": "0"} if status == 429 else None)
                elif fault == "timeout":
                    time.sleep(sim.timeout_fault_s)
                    self._send(504, b"")
                elif fault == "html":
                    self._send(200, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
                elif fault == "reset":
                    self.close_connection = True
                    self.connection.shutdown(2)
                else:
                    return False
                return True

            def _send(self, status, payload, content_type="application/json", extra=None):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    for key, value in (extra or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler
