"""HTTP with bounded retries, backoff with jitter, cancel, progress and hard limits. Shared by
both services.

Retried: connection errors, read timeouts, HTTP 429 and 5xx. Everything else is returned to the
service module, which knows what its codes mean. TLS verification is always on.

Three rules protect the user from a service (or something in between) that misbehaves:
- a redirect is followed only to the same scheme, host and port: the body carries the key;
- every request has a total deadline, and Cancel works at once, even while an answer drips in
  byte by byte (a read timeout alone restarts with every byte): a watchdog shuts the socket;
- an answer larger than the cap, on the wire or once decompressed, is refused. Only one layer of
  gzip (or deflate) is accepted, asked for and decoded here piece by piece under the cap: br
  (which requests decodes whenever python3-brotli is installed, as it is with QGIS) and stacked
  encodings expand a whole chunk in one call, 1.6 KB to 1 GB, before any cap can be looked at.
"""

from __future__ import annotations

import random
import socket
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from enum import Enum
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as urllib3_exceptions
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .answer_body import CompressedBody
from .errors import (
    CancelledError,
    ConfigurationError,
    NetworkError,
    RedirectError,
    ResponseFormatError,
    redact,
    redact_bytes,
)

CHUNK_BYTES = 64 * 1024  # Cancel needs no small reads (the watchdog); the cap is checked per chunk
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
WATCH_INTERVAL_S = 0.05
ACCEPTED_ENCODINGS = "gzip, deflate"  # what is asked for; the decoders of each are in _decoder


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3  # total tries, the first included
    backoff_s: float = 1.0  # first wait; doubles each retry
    max_backoff_s: float = 30.0

    def delay(self, retry_number, retry_after=None):
        """Seconds to wait before retry ``retry_number`` (1-based): exponential, full jitter."""
        if retry_after is not None:
            return min(retry_after, self.max_backoff_s)
        ceiling = min(self.max_backoff_s, self.backoff_s * 2 ** (retry_number - 1))
        return random.uniform(0.5 * ceiling, ceiling)


@dataclass(frozen=True)
class Limits:
    """Per request: the total time for one exchange, and the largest answer accepted."""

    deadline_s: float = 300.0
    max_answer_bytes: int = 256 * 1024 * 1024


@dataclass
class HttpResult:
    status: int
    content: bytes  # or a CompressedBody, when asked for (new_body)
    headers: dict
    attempts: int
    retries_exhausted: bool = False  # the status is still a retryable one after the last try


def _retry_after(headers):
    """Seconds to wait from a Retry-After header: a number of seconds, or an HTTP date (RFC 9110)."""
    value = headers.get("Retry-After") if headers else None
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def sleep_unless_cancelled(seconds: float, is_cancelled: Callable[[], bool] | None) -> bool:
    """Sleep ``seconds``; True as soon as ``is_cancelled()`` is (the one cancellable sleep)."""
    deadline = time.monotonic() + seconds
    while True:
        if is_cancelled and is_cancelled():
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(left, 0.05))


def _wait(seconds, is_cancelled, reached=()):
    if sleep_unless_cancelled(seconds, is_cancelled):
        raise CancelledError(sent=bool(reached))


# -- the watchdog ----------------------------------------------------------------------------------
# urllib3 gives no way to interrupt a blocked read. The connection classes below tell the watch of
# the current thread which socket its request uses, just before the answer is read; the watch's
# thread shuts that socket down when Cancel is pressed or the deadline passes, which ends the read.
_current = threading.local()


class _Fired(Enum):
    """Why the watch shut the request's socket down."""

    CANCEL = "cancel"
    DEADLINE = "deadline"


class _Watch:
    def __init__(self, deadline_s, is_cancelled, on_sent):
        self.deadline = time.monotonic() + deadline_s
        self.is_cancelled = is_cancelled
        self.on_sent = on_sent
        self.fired = None  # a _Fired once the watch has shut the socket
        self._sock = None
        self._finished = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="crowdheat-http-watch", daemon=True)

    def __enter__(self):
        _current.watch = self
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        _current.watch = None
        with self._lock:
            self._finished = True
        self._stop.set()
        self._thread.join()

    def attach(self, sock):
        """Called in the request's thread when the request has been sent and the answer is due."""
        if self.on_sent:
            self.on_sent()
        with self._lock:
            self._sock = sock
            if self.fired:
                self._shutdown()

    def _loop(self):
        while not self._stop.wait(WATCH_INTERVAL_S):
            reason = None
            if self.is_cancelled and self.is_cancelled():
                reason = _Fired.CANCEL
            elif time.monotonic() > self.deadline:
                reason = _Fired.DEADLINE
            if reason:
                with self._lock:
                    if not self._finished and not self.fired:
                        self.fired = reason
                        self._shutdown()
                return

    def _shutdown(self):
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Watched:
    def getresponse(self, *args, **kwargs):
        # urllib3 1.26 first tries Python 2's `buffering` and calls again on the TypeError: drop
        # it here, so that one request is one call (and counts once).
        kwargs.pop("buffering", None)
        watch = getattr(_current, "watch", None)
        if watch is not None:
            watch.attach(self.sock)
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class _WatchedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS pools are urllib3's own: no watch there
            manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager


def make_session(verify: bool | str = True) -> requests.Session:
    """A requests session whose requests the watchdog can interrupt. ``verify``: True (the
    certifi/OS bundle, or REQUESTS_CA_BUNDLE's) or the path of a CA bundle; never False."""
    session = requests.Session()
    session.verify = verify if verify else True
    session.headers["Accept-Encoding"] = ACCEPTED_ENCODINGS
    for prefix in ("http://", "https://"):
        session.mount(prefix, _WatchedAdapter())
    return session


class SessionClient:
    """A service's client (``config``: a core.config.ServiceConfig): its requests session, retry
    policy and the secrets every error is redacted of. ``with`` it, or ``close()`` it, so that
    no pooled socket outlives the run (QGIS shows each one as a Python ResourceWarning)."""

    session = None
    service = "the service"

    def __init__(self, config, secrets, proxies=None, session=None, verify=True):
        if not config.base_url.lower().startswith(("https://", "http://")):
            raise ConfigurationError(f"The {self.service} base URL '{config.base_url}' is not an http(s) URL.")
        self.config = config
        self.proxies = proxies
        self.session = session or make_session(verify)
        self.policy = RetryPolicy(attempts=config.attempts, backoff_s=config.backoff_s)
        self.secrets = secrets

    def post(self, url, body, **options):
        """post_json with this client's session, proxies, timeouts, answer limits and secrets; the
        answer comes back with every secret (and piece of one) it echoes masked."""
        result = post_json(
            url,
            body,
            session=self.session,
            proxies=self.proxies,
            timeout=(self.config.connect_timeout_s, self.config.read_timeout_s),
            limits=self.config.limits(),
            secrets=self.secrets,
            **options,
        )
        if not isinstance(result.content, CompressedBody):  # which masked them as they came
            result.content = redact_bytes(result.content, self.secrets)
        return result

    def close(self):
        if self.session is not None:
            self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


# -- one request -----------------------------------------------------------------------------------


def _origin(url):
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(scheme)


def post_json(
    url,
    body,
    *,
    headers=None,
    session=None,
    timeout=(10.0, 60.0),
    policy=RetryPolicy(),
    limits=Limits(),
    proxies=None,
    is_cancelled=None,
    on_progress=None,
    on_sent=None,
    secrets=(),
    what="the service",
    before_each=None,
    retry_answer=None,
    new_body=bytearray,
) -> HttpResult:
    """POST ``body`` as JSON; return the last :class:`HttpResult` (retryable answers retried).
    This is the one retry loop of the plugin.

    ``on_progress(received_bytes, total_bytes_or_None)`` is called while the answer downloads;
    ``on_sent()`` each time a request has reached the service (what quota counts).
    ``before_each()`` runs before every try (a rate limiter's wait) and returns False when the
    request must not be sent after all. ``retry_answer(status, content)`` says whether an answer
    the service sent is one to try again (a service's own "too many requests" code in a 200);
    429 and 5xx always are. ``new_body()`` makes what an answer's bytes are written into (a
    bytearray, or a ``CompressedBody`` for answers that may be large).
    Raises :class:`NetworkError` when no answer came after every try (or a redirect was refused,
    or the deadline passed), :class:`CancelledError` as soon as ``is_cancelled()`` is true (its
    ``sent`` says whether any try reached the service), :class:`ResponseFormatError` for an answer
    over the size cap.
    """
    session = session or make_session()
    call = _Call(
        url, body, headers, session, timeout, limits, proxies, is_cancelled, on_progress, secrets, what, new_body
    )
    last_error = None
    reached = []

    def sent():
        reached.append(True)
        if on_sent:
            on_sent()

    for attempt in range(1, policy.attempts + 1):
        if is_cancelled and is_cancelled() or before_each and not before_each():
            raise CancelledError(sent=bool(reached))
        try:
            status, content, resp_headers = _exchange(call, sent)
        except CancelledError:
            raise CancelledError(sent=bool(reached)) from None
        except requests.exceptions.RequestException as exc:
            last_error = _why_no_answer(exc, timeout, secrets, what)
        else:
            retryable = status == 429 or status >= 500 or bool(retry_answer and retry_answer(status, content))
            if not retryable or attempt == policy.attempts:
                return HttpResult(status, content, resp_headers, attempt, retries_exhausted=retryable)
            _wait(policy.delay(attempt, _retry_after(resp_headers)), is_cancelled, reached)
            continue
        if attempt < policy.attempts:
            _wait(policy.delay(attempt), is_cancelled, reached)
    raise NetworkError(
        f"No answer from {what} at {redact(url, secrets)} after {policy.attempts} "
        f"tries: {last_error}. Check the network, the proxy settings "
        "(Settings ▸ Options ▸ Network) and the base URL."
    )


def _why_no_answer(exc, timeout, secrets, what):
    """Why a try got no answer (it is retried); a TLS failure raises NetworkError at once: a
    certificate problem does not heal in a second."""
    if isinstance(exc, requests.exceptions.SSLError):
        raise NetworkError(
            f"TLS certificate check failed for {what}: "
            f"{redact(exc, secrets)}. Check the base URL and any proxy that "
            "intercepts HTTPS (its CA must be trusted by the system)."
        ) from None
    if isinstance(exc, requests.exceptions.Timeout):
        return f"no answer within {timeout[1]:g} s ({type(exc).__name__})"
    return f"cannot connect ({type(exc).__name__}: {redact(_short(exc), secrets)})"


@dataclass(frozen=True)
class _Call:
    """What every try of one post_json call sends, and how it is watched (see post_json)."""

    url: str
    body: object
    headers: dict | None
    session: requests.Session
    timeout: tuple
    limits: Limits
    proxies: dict | None
    is_cancelled: Callable[[], bool] | None
    on_progress: Callable | None
    secrets: tuple
    what: str
    new_body: Callable


def _exchange(call: _Call, on_sent):
    """One request and its same-origin redirects, under one deadline: (status, content, headers)."""
    url = call.url
    visited = [url]
    with _Watch(call.limits.deadline_s, call.is_cancelled, on_sent) as watch:
        try:
            while True:
                with _post_once(call, url) as response:
                    location = response.headers.get("Location")
                    if response.status_code in REDIRECT_STATUSES and location:
                        target = urljoin(url, location)
                        _check_redirect(url, target, visited, response.status_code, call.secrets, call.what)
                        visited.append(url := target)
                        continue
                    content = _read(response, call.limits, call.on_progress, call.what, call.new_body())
                    result = response.status_code, content, dict(response.headers)
                if watch.fired:
                    raise requests.exceptions.ConnectionError("interrupted")
                return result
        except (requests.exceptions.RequestException, OSError):
            if watch.fired is _Fired.CANCEL:
                raise CancelledError() from None
            if watch.fired is _Fired.DEADLINE:
                raise NetworkError(
                    f"The answer of {call.what} did not arrive in full within {call.limits.deadline_s:g} s "
                    "(it came in too slowly, or not at all). Not retried: try again later, or "
                    "raise 'total deadline per request' in CrowdHeat's settings."
                ) from None
            raise


def _post_once(call: _Call, url):
    """One POST to ``url`` (the call's, or where it was redirected), redirects not followed.
    requests still parses a redirect's Location (to prepare ``response.next``) and raises
    ValueError for a port out of range or a broken IPv6 host."""
    try:
        # verify given per request: requests would otherwise let REQUESTS_CA_BUNDLE replace
        # the session's bundle (which already starts from it, see settings.trusted_ca_bundle)
        return call.session.post(
            url,
            json=call.body,
            headers=call.headers,
            timeout=call.timeout,
            proxies=call.proxies,
            stream=True,
            verify=call.session.verify or True,
            allow_redirects=False,
        )
    except ValueError as exc:
        raise RedirectError(
            f"{call.what} answered with a redirect to an address that is not a valid address "
            f"({redact(exc, call.secrets)}). Not followed: check the base URL in CrowdHeat's settings, or "
            "whatever proxy is in the way."
        ) from None


def _check_redirect(url, target, visited, status, secrets, what):
    shown = redact(target, secrets)
    if _origin(target) != _origin(url):
        raise RedirectError(
            f"{what} answered HTTP {status} with a redirect to another address ({shown}). "
            "Not followed: the request carries your key. If the service has moved, set the "
            "new base URL in CrowdHeat's settings; otherwise a proxy or captive portal is "
            "in the way."
        )
    if target in visited or len(visited) > MAX_REDIRECTS:
        raise RedirectError(
            f"{what} redirects in a loop (HTTP {status} to {shown} after {len(visited)} "
            "redirects). Check the base URL in CrowdHeat's settings."
        )


def _decoder(response, what):
    """A zlib decoder for the answer's one content encoding, None for none; any other is refused."""
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise ResponseFormatError(
        f"The answer of {what} was refused: it is encoded as '{encoding}', and only one layer of gzip or deflate "
        "is accepted (the size of anything else cannot be checked before it is expanded). A proxy may be "
        "re-encoding answers: ask for it to be bypassed for this service.",
        service=what,
    )


def _wire_chunks(response):
    """The answer's bytes as they came (not decoded), with urllib3's errors turned into requests'
    (as requests' own iter_content does), so that timeouts and broken answers are retried alike."""
    try:
        yield from response.raw.stream(CHUNK_BYTES, decode_content=False)
    except urllib3_exceptions.ReadTimeoutError as exc:
        raise requests.exceptions.ReadTimeout(exc) from None
    except urllib3_exceptions.ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(exc) from None
    except urllib3_exceptions.SSLError as exc:
        raise requests.exceptions.SSLError(exc) from None
    except urllib3_exceptions.HTTPError as exc:
        raise requests.exceptions.ConnectionError(exc) from None


def _read(response, limits, on_progress, what, body):
    """The answer's body, decoded into ``body`` (a bytearray or a CompressedBody); refused as soon
    as it passes the cap (on the wire, or decoded: each piece is decoded to at most what is left
    under the cap, so memory stays bounded)."""
    cap = limits.max_answer_bytes
    total = response.headers.get("Content-Length")
    total = int(total) if total and total.isdigit() else None
    if total is not None and total > cap:
        raise _too_large(what, total, cap, "announced")
    decoder = _decoder(response, what)
    # One buffer the answer is written into (not a list of pieces joined at the end, which held
    # the answer twice).
    wire = 0
    for raw in _wire_chunks(response):
        wire += len(raw)
        pending = raw
        while pending:
            piece = decoder.decompress(pending, cap - len(body) + 1) if decoder else pending
            pending = decoder.unconsumed_tail if decoder else b""
            body += piece
            if len(body) > cap:
                raise _too_large(what, len(body), cap, "decompressed to more than" if decoder else "more than")
        if on_progress:
            on_progress(wire, total)
    if decoder:
        body += decoder.flush()
        if len(body) > cap:
            raise _too_large(what, len(body), cap, "decompressed to more than")
    return body.close() if isinstance(body, CompressedBody) else body


def _too_large(what, size, cap, how):
    return ResponseFormatError(
        f"The answer of {what} was refused: {how} {size / 1e6:,.1f} MB, over the cap of {cap / 1e6:,.0f} MB. "
        "Fetch a smaller area (or a coarser cell level), or raise 'largest answer' in CrowdHeat's settings.",
        service=what,
    )


def _short(exc):
    text = str(exc)
    return text if len(text) < 300 else text[:300] + "…"
