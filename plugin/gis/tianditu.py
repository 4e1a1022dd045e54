"""Tianditu (天地图), the national basemap, without its key in any layer, project file or log.

Tianditu wants its key in every tile's URL (``tk=``). An XYZ layer holding that URL would carry the
key into its source, the project file and QGIS's log of failed tiles, and QGIS 3.22's
authentication methods add headers, never query parameters. So the layer reads its tiles from a
relay on loopback inside this QGIS, which adds the key (from the authentication database, or
CROWDHEAT_TIANDITU_KEY) on the way out, with the browser-like headers Tianditu asks of a map. The
relay lays Tianditu's labels (cva) over its streets (vec), so one layer reads as a map.

The layer's source names the relay's port and a token made per session; saved in a project it
becomes a placeholder (a QgsPathResolver writer), which the relay of the next session replaces on
opening (a pre-processor). Tianditu draws in CGCS2000, within centimetres of WGS84 at map scale.
"""

from __future__ import annotations

import http.server
import os
import re
import secrets
import threading

import requests
from qgis.core import Qgis, QgsMessageLog, QgsPathResolver, QgsSettings
from qgis.PyQt.QtCore import QBuffer, QByteArray, QIODevice
from qgis.PyQt.QtGui import QImage, QPainter

from ..core.errors import InputError, redact
from ..i18n import tr
from . import settings

KEY_SETTING = settings.PREFIX + "tianditu/authcfg"  # the key's authcfg id; the key is in the auth database
KEY_ENV = "CROWDHEAT_TIANDITU_KEY"
KEY_NAME = "CrowdHeat: Tianditu key"
URL_SETTING = "crowdheat/tianditu/url"  # another address of the same WMTS (a mirror; the tests' simulator)
URL = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
    "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILECOL={x}&TILEROW={y}&TILEMATRIX={z}"
)
# What each Tianditu basemap lays over what: streets (vec) or imagery (img), their labels on top.
MAPS = {"vec": ("vec", "cva"), "img": ("img", "cia")}
HEADERS = {"User-Agent": "Mozilla/5.0 (QGIS; CrowdHeat)", "Referer": "https://www.tianditu.gov.cn/"}
TIMEOUT_S = (5, 30)
PLACEHOLDER = "http://127.0.0.1:0/crowdheat-tianditu/"  # what a project file holds instead of the relay
_LIVE = re.compile(r"http://127\.0\.0\.1:\d+/[A-Za-z0-9_-]{16,}/tianditu/")


def key():
    """The key: the environment's, else the authentication database's; '' when none."""
    return os.environ.get(KEY_ENV, "").strip() or settings.secret_under(KEY_SETTING)


def store_key(text):
    """Keep the key in the authentication database (only its id in the settings)."""
    settings.keep_secret(KEY_SETTING, KEY_NAME, text.strip())
    if _relay is not None:
        _relay.key = text.strip()


def key_stored(environment=True):
    """Whether a key is at hand (in the environment too, unless told not to look), told without
    decrypting anything."""
    return (environment and bool(os.environ.get(KEY_ENV, "").strip())) or settings.secret_kept(KEY_SETTING)


def missing_key_message():
    return tr(
        "Tianditu needs its key (a 'browser' key from console.tianditu.gov.cn): enter it in Settings ▸ Options ▸ "
        "CrowdHeat ▸ Basemaps, or set {0}."
    ).format(KEY_ENV)


class Relay:
    """A loopback HTTP server: GET /<token>/tianditu/<map>/<z>/<x>/<y> answers Tianditu's tile of
    ``map`` (vec, img), its labels laid over it, fetched with the key."""

    def __init__(self, tianditu_key):
        self.key = tianditu_key
        self.token = secrets.token_urlsafe(16)
        self.reported = set()  # each failure once in the log, not once per tile
        self.sessions = threading.local()  # one keep-alive connection per serving thread
        self.configure()
        relay = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                status, body = relay.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", "image/png" if status == 200 else "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "max-age=86400")  # QGIS's own tile cache keeps them
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.prefix = f"http://127.0.0.1:{self.server.server_address[1]}/{self.token}/tianditu/"
        threading.Thread(target=self.server.serve_forever, name="crowdheat-tianditu", daemon=True).start()

    def answer(self, path):
        """(HTTP status, body) for one request to the relay."""
        match = re.fullmatch(rf"/{re.escape(self.token)}/tianditu/(vec|img)/(\d+)/(\d+)/(\d+)", path)
        if match is None:
            return 404, b"not a tile of this relay"
        if not self.key:
            self.report("no key", missing_key_message())
            return 403, missing_key_message().encode()
        kind, z, x, y = match.groups()
        images = []
        for layer in MAPS[kind]:
            status, body = self.fetch(layer, z, x, y)
            if status != 200:
                return status, body
            images.append(body)
        return 200, overlay(images)

    def configure(self):
        """Read the address and QGIS's network settings (proxy, trusted CAs) here, on the thread
        that makes a layer, not once per tile in the serving threads."""
        self.template = QgsSettings().value(URL_SETTING, "", type=str) or URL
        self.network = settings.network_for(self.template.split("?")[0])

    def fetch(self, layer, z, x, y):
        url = self.template.format(s=(int(x) + int(y)) % 8, layer=layer, x=x, y=y, z=z)
        session = getattr(self.sessions, "session", None)
        if session is None:
            session = self.sessions.session = requests.Session()
            session.headers.update(HEADERS)
        try:
            response = session.get(url, params={"tk": self.key}, timeout=TIMEOUT_S, **self.network)
        except requests.RequestException as exc:
            self.report(type(exc).__name__, tr("Tianditu cannot be reached ({0}).").format(type(exc).__name__))
            return 502, b"Tianditu cannot be reached"
        if response.status_code != 200 or not response.headers.get("Content-Type", "").startswith("image/"):
            said = redact(response.text[:300], [self.key])
            self.report(
                response.status_code,
                tr(
                    "Tianditu refused a tile: HTTP {0}, {1}. A 403 with code 1 or 12 means the key is wrong "
                    "or not a 'browser' key."
                ).format(response.status_code, said),
            )
            return (response.status_code if response.status_code != 200 else 502), said.encode()
        return 200, response.content

    def report(self, kind, message):
        if kind not in self.reported:
            self.reported.add(kind)
            QgsMessageLog.logMessage(redact(message, [self.key]), "CrowdHeat", Qgis.Warning)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def overlay(images):
    """The PNG of ``images`` (encoded tiles) laid one over the other, the first at the bottom."""
    base = QImage.fromData(images[0])
    if len(images) == 1 or base.isNull():
        return images[0]
    base = base.convertToFormat(QImage.Format.Format_ARGB32)
    painter = QPainter(base)
    for data in images[1:]:
        painter.drawImage(0, 0, QImage.fromData(data))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    base.save(buffer, "PNG")
    return bytes(data)


_relay = None
_lock = threading.Lock()


def relay(tianditu_key=None):
    """The session's relay, started on first use with the key."""
    global _relay
    with _lock:
        if _relay is None:
            _relay = Relay(tianditu_key if tianditu_key is not None else key())
        else:
            _relay.configure()
            if tianditu_key:
                _relay.key = tianditu_key
        return _relay


def tile_url(kind="vec"):
    """The XYZ template of Tianditu's ``kind`` map (vec: streets, img: imagery) through the relay;
    InputError when no key is at hand."""
    tianditu_key = key()
    if not tianditu_key:
        raise InputError(missing_key_message())
    return relay(tianditu_key).prefix + kind + "/{z}/{x}/{y}"


def for_project_file(source):
    """A layer source as a project file keeps it: the relay of this session replaced by a placeholder."""
    return _LIVE.sub(PLACEHOLDER + "tianditu/", source)


def from_project_file(source):
    """A layer source read from a project file, the placeholder replaced by this session's relay."""
    if PLACEHOLDER not in source:
        return source
    return source.replace(PLACEHOLDER + "tianditu/", relay().prefix)


_hooks = []


def install_project_hooks():
    """Keep the relay's address out of project files, and bring it back on opening (QGIS ≥ 3.22)."""
    if not _hooks:
        _hooks.append(("writer", QgsPathResolver.setPathWriter(for_project_file)))
        _hooks.append(("preprocessor", QgsPathResolver.setPathPreprocessor(from_project_file)))


def remove_project_hooks():
    while _hooks:
        kind, hook_id = _hooks.pop()
        if kind == "writer":
            QgsPathResolver.removePathWriter(hook_id)
        else:
            QgsPathResolver.removePathPreprocessor(hook_id)
