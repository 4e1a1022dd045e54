"""Client of the Jike open platform's heat service (POST {base}/v1/heat_map)."""

from __future__ import annotations

from . import heat_answer
from .answer_body import CompressedBody
from .config import ENV_JIKE_TOKEN
from .errors import AuthError, ConfigurationError, CrowdHeatError, RateLimitError, ServerError, ServiceError, redacted
from .http import RetryPolicy, SessionClient

HEAT_MAP_PATH = "/v1/heat_map"
# Both the fence we send and the cell_center we get are WGS84 (Jike MCP README); one place.
CRS = "EPSG:4326"


class JikeClient(SessionClient):
    service = "Jike"

    def __init__(self, config, proxies=None, session=None, verify=True):
        if not config.token:
            raise ConfigurationError(
                "No Jike token is set. Enter it in CrowdHeat's settings (it is kept in QGIS's "
                f"authentication database) or set the environment variable {ENV_JIKE_TOKEN}."
            )
        super().__init__(config, (config.token,), proxies, session, verify)

    def _post(self, body, policy, is_cancelled=None, on_progress=None):
        return self.post(
            self.config.base_url + HEAT_MAP_PATH,
            body,
            headers={"Authorization": f"Bearer {self.config.token}", "Accept": "application/json"},
            policy=policy,
            is_cancelled=is_cancelled,
            on_progress=on_progress,
            what="the Jike heat service",
            # Up to 120 MB of JSON, two in flight: kept compressed until parsed (core/answer_body.py).
            new_body=lambda: CompressedBody(self.secrets),
        )

    def fetch_heat_bytes(self, fence, cell_level=None, is_cancelled=None, on_progress=None):
        """The raw bytes of a successful HTTP answer for ``fence`` (the envelope is not checked)."""
        try:
            result = self._post(fence.request_body(cell_level), self.policy, is_cancelled, on_progress)
            if result.status != 200:
                raise _http_error(result)
        except CrowdHeatError as exc:
            raise redacted(exc, self.secrets) from None
        return result.content

    def parse(self, content, fence, cell_level=None):
        """The HeatData of an answer's bytes; its errors carry no secret (services echo them)."""
        try:
            return heat_answer.parse_heat_response(content, fence, cell_level)
        except CrowdHeatError as exc:
            raise redacted(exc, self.secrets) from None


def _http_error(result):
    """A typed error for a non-200 answer, with whatever codes its body carries."""
    try:
        heat_answer.check_envelope(result.content, result.status)
        envelope = None
    except ServiceError as exc:
        envelope = exc
    codes = {}
    if envelope is not None:
        codes = dict(
            code=envelope.code,
            service_message=envelope.service_message,
            biz_code=envelope.biz_code,
            biz_message=envelope.biz_message,
            response_id=envelope.response_id,
        )
    status = result.status
    kwargs = dict(service=heat_answer.SERVICE, http_status=status, **codes)
    if status in (401, 403):
        return AuthError(
            "The Jike token was refused: check it in CrowdHeat's settings "
            "(or CROWDHEAT_JIKE_TOKEN) and that it is enabled for heat_map",
            **kwargs,
        )
    if status == 429:
        return RateLimitError(
            f"The Jike service is still rate-limiting after {result.attempts} tries: wait a minute and fetch again",
            **kwargs,
        )
    if status >= 500:
        return ServerError(f"The Jike service failed {result.attempts} times in a row: try again later", **kwargs)
    return ServiceError("The Jike service refused the request", **kwargs)


def check_connection(client: JikeClient) -> str:
    """Reach the service and have the token checked, without asking for any heat.

    Sends a body with neither fence nor circle: the gateway checks the token first (401 if it is
    refused), then the service refuses the body with a business code — which proves both.
    Returns a sentence for the user; raises the typed errors above.
    """
    try:
        result = client._post({}, RetryPolicy(attempts=1))
        if result.status != 200:
            raise _http_error(result)
        try:
            heat_answer.check_envelope(result.content)
        except ServiceError as exc:
            if exc.code is not None and str(exc.code) == "200":
                return (
                    "Connected: the token is accepted (the empty test request was answered with "
                    f"{redacted(exc, client.secrets).codes_text()})."
                )
            raise
    except CrowdHeatError as exc:
        raise redacted(exc, client.secrets) from None
    return "Connected: the token is accepted."
