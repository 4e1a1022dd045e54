"""HTTP with bounded retries, backoff with jitter, cancel and progress. Shared by both services.

Retried: connection errors, timeouts, HTTP 429 and 5xx. Everything else is returned to the
service module, which knows what its codes mean. TLS verification is always on.
"""

import random
import time
from dataclasses import dataclass

import requests

from .errors import CancelledError, NetworkError, redact

CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3            # total tries, the first included
    backoff_s: float = 1.0       # first wait; doubles each retry
    max_backoff_s: float = 30.0

    def delay(self, retry_number, retry_after=None):
        """Seconds to wait before retry ``retry_number`` (1-based): exponential, full jitter."""
        if retry_after is not None:
            return min(retry_after, self.max_backoff_s)
        ceiling = min(self.max_backoff_s, self.backoff_s * 2 ** (retry_number - 1))
        return random.uniform(0.5 * ceiling, ceiling)


@dataclass
class HttpResult:
    status: int
    content: bytes
    headers: dict
    attempts: int
    retries_exhausted: bool = False   # the status is still a retryable one after the last try


def _retry_after(headers):
    value = headers.get("Retry-After") if headers else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _wait(seconds, is_cancelled):
    deadline = time.monotonic() + seconds
    while True:
        if is_cancelled and is_cancelled():
            raise CancelledError()
        left = deadline - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.1))


class SessionClient:
    """A client owning a requests session: ``with`` it, or ``close()`` it, so that no pooled
    socket outlives the run (QGIS shows each one as a Python ResourceWarning)."""

    session = None

    def close(self):
        if self.session is not None:
            self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def post_json(url, body, *, headers=None, session=None, timeout=(10.0, 60.0), policy=RetryPolicy(),
              proxies=None, is_cancelled=None, on_progress=None, secrets=(), what="the service"):
    """POST ``body`` as JSON; return the last :class:`HttpResult` (retryable statuses retried).

    ``on_progress(received_bytes, total_bytes_or_None)`` is called while the answer downloads.
    Raises :class:`NetworkError` when no answer came after every try, :class:`CancelledError`
    as soon as ``is_cancelled()`` is true.
    """
    session = session or requests.Session()
    last_error = None
    for attempt in range(1, policy.attempts + 1):
        if is_cancelled and is_cancelled():
            raise CancelledError()
        try:
            with session.post(url, json=body, headers=headers, timeout=timeout, proxies=proxies,
                              stream=True, verify=True) as response:
                content = _read(response, is_cancelled, on_progress)
                status, resp_headers = response.status_code, dict(response.headers)
        except CancelledError:
            raise
        except requests.exceptions.Timeout as exc:
            last_error = f"no answer within {timeout[1]:g} s ({type(exc).__name__})"
        except requests.exceptions.SSLError as exc:
            # Not retried: a certificate problem does not heal in a second.
            raise NetworkError(f"TLS certificate check failed for {what}: "
                               f"{redact(exc, secrets)}. Check the base URL and any proxy that "
                               "intercepts HTTPS (its CA must be trusted by the system).") from None
        except requests.exceptions.RequestException as exc:
            last_error = f"cannot connect ({type(exc).__name__}: {redact(_short(exc), secrets)})"
        else:
            retryable = status == 429 or status >= 500
            if not retryable or attempt == policy.attempts:
                return HttpResult(status, content, resp_headers, attempt, retries_exhausted=retryable)
            _wait(policy.delay(attempt, _retry_after(resp_headers)), is_cancelled)
            continue
        if attempt < policy.attempts:
            _wait(policy.delay(attempt), is_cancelled)
    raise NetworkError(f"No answer from {what} at {redact(url, secrets)} after {policy.attempts} "
                       f"tries: {last_error}. Check the network, the proxy settings "
                       "(Settings ▸ Options ▸ Network) and the base URL.")


def _read(response, is_cancelled, on_progress):
    total = response.headers.get("Content-Length")
    total = int(total) if total and total.isdigit() else None
    chunks = []
    received = 0
    for chunk in response.iter_content(CHUNK_BYTES):
        if is_cancelled and is_cancelled():
            raise CancelledError()
        chunks.append(chunk)
        received += len(chunk)
        if on_progress:
            on_progress(received, total)
    return b"".join(chunks)


def _short(exc):
    text = str(exc)
    return text if len(text) < 300 else text[:300] + "…"
