"""Typed errors of the core. Every message says what happened, where, and what to do.

Messages never contain secrets: anything that could echo a request (bodies, URLs) goes
through :func:`redact` with the secrets of the request before it becomes text, and every error
a client raises goes through :func:`redacted`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TypeVar


class CrowdHeatError(Exception):
    """Base of every error the plugin shows to a user (never as a traceback)."""

    def __init__(self, message, details=""):
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self):
        return self.message


class InputError(CrowdHeatError):
    """The user's input cannot make a valid request (geometry, file, parameter)."""


class FenceError(InputError):
    """A fence geometry is unusable: empty, not a polygon, invalid beyond repair."""


class ConfigurationError(CrowdHeatError):
    """A missing token/key or an unusable base URL."""


class OutputError(CrowdHeatError):
    """An output (layer, file, database table) refused what was written: full disk, a read-only
    file, a database constraint. What was written before stays."""


class CancelledError(CrowdHeatError):
    """The user cancelled; partial results are kept by the caller. ``sent``: whether the request
    had reached the service (its answer may have been paid for) before it was given up."""

    def __init__(self, message="Cancelled by the user.", sent=True):
        super().__init__(message)
        self.sent = sent


class ServiceError(CrowdHeatError):
    """The service answered, but not with a usable success.

    Carries every code the service gave, so that the UI and logs can show them.
    """

    def __init__(
        self,
        message,
        *,
        service,
        http_status=None,
        code=None,
        service_message=None,
        biz_code=None,
        biz_message=None,
        response_id=None,
        details="",
    ):
        self.service = service
        self.http_status = http_status
        self.code = code
        self.service_message = service_message
        self.biz_code = biz_code
        self.biz_message = biz_message
        self.response_id = response_id
        codes = self.codes_text()
        super().__init__(f"{message} [{codes}]" if codes else message, details)

    def codes_text(self):
        parts = []
        if self.http_status is not None:
            parts.append(f"HTTP {self.http_status}")
        if self.code is not None:
            parts.append(f"code {self.code}" + (f" '{self.service_message}'" if self.service_message else ""))
        if self.biz_code is not None:
            parts.append(f"biz_code {self.biz_code}" + (f" '{self.biz_message}'" if self.biz_message else ""))
        if self.response_id:
            parts.append(f"response_id {self.response_id}")
        return ", ".join(parts)


class AuthError(ServiceError):
    """The token or key was refused: every further request would fail the same way."""


class RateLimitError(ServiceError):
    """Still rate limited after the bounded retries."""


class ServerError(ServiceError):
    """5xx from the service after the bounded retries."""


class ResponseFormatError(ServiceError):
    """The body is not the documented JSON (HTML error page, truncated JSON, wrong shape)."""


class EmptyResultError(ServiceError):
    """A success envelope without any data item."""


class NetworkError(CrowdHeatError):
    """No answer: connection refused, DNS, TLS, proxy, or timeout after the retries."""


class RedirectError(NetworkError):
    """The service sent the request elsewhere (another host, or in a loop): every request would be."""


# A bearer credential echoed by a gateway ("invalid credential: Bearer …"), even cut short.
_BEARER = re.compile(r"(Bearer)\s+[^\s\"',;<>]+", re.IGNORECASE)


# An echoed piece of a secret this long or longer is masked too (a whole secret always): services
# echo keys cut short ("invalid token abcdefgh…"), and 12 characters of a key are half of it.
SECRET_FRAGMENT = 12


@functools.lru_cache(maxsize=32)
def _secret_pattern(secret: str | bytes):
    """(blocks, pattern): ``pattern`` matches any piece of ``secret`` of SECRET_FRAGMENT characters
    or more, longest first; every such piece contains one of the ``blocks`` (aligned, half that
    long), which fast substring tests look for first, so that a large answer costs a few scans."""
    shortest = min(len(secret), SECRET_FRAGMENT)
    pieces = {secret[i:j] for i in range(len(secret)) for j in range(i + shortest, len(secret) + 1)}
    ordered = sorted(pieces, key=len, reverse=True)
    # str or bytes throughout, as the secret is (mypy cannot follow AnyStr through the set)
    pattern = re.compile((b"|" if isinstance(secret, bytes) else "|").join(map(re.escape, ordered)))  # type: ignore[arg-type]
    step = max(1, (shortest + 1) // 2)
    blocks = {secret[i : i + step] for i in range(0, len(secret) - step + 1, step)} | {secret[-step:]}
    return tuple(blocks), pattern


def secret_patterns(secrets):
    """The (blocks, pattern) of each non-empty secret (see _secret_pattern)."""
    return [_secret_pattern(secret) for secret in secrets if secret]


def mask_pieces(text, patterns, stars):
    """``text`` with every piece of a secret (``secret_patterns``) replaced by ``stars``."""
    for blocks, pattern in patterns:
        if any(block in text for block in blocks):
            text = pattern.sub(stars, text)
    return text


def _mask(text, secrets, stars):
    return mask_pieces(text, secret_patterns(secrets), stars)


def redact(text: object, secrets: Iterable[str]) -> str:
    """Replace every non-empty secret, every piece of one (SECRET_FRAGMENT characters or more) and
    whatever follows "Bearer", in ``text`` by ``***``."""
    return _BEARER.sub(r"\1 ***", _mask(str(text), secrets, "***"))


def redact_bytes(content: bytes, secrets: Iterable[str]) -> bytes:
    """``content`` (an answer's bytes) with every secret and piece of one replaced by ``***``: what
    a service echoes inside a successful answer is neither parsed into a layer nor cached."""
    return _mask(content, [s.encode("utf-8") for s in secrets if s], b"***")


E = TypeVar("E", bound=CrowdHeatError)


def redacted(exc: E, secrets: Iterable[str]) -> E:
    """``exc`` with every text it carries redacted: the one gate a service's words pass through
    before they reach a message bar, a log or Processing's output (services echo keys)."""
    exc.message = redact(exc.message, secrets)
    exc.details = redact(exc.details, secrets)
    exc.args = (exc.message,)
    if isinstance(exc, ServiceError):
        for name in ("service_message", "biz_message", "response_id"):
            value = getattr(exc, name)
            if value is not None:
                setattr(exc, name, redact(value, secrets))
    return exc
