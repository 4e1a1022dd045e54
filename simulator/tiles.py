"""Basemap tiles on loopback, no internet.

``TileServer``: an XYZ server whose every tile is the same light "street map" (a grey ground
crossed by teal streets every 32 pixels), so a picture shows where the basemap was drawn. With
``street_lng``, the tiles hold one north–south street at that longitude instead, where a real
basemap would draw it (Web Mercator tiles): a test puts it where GCJ-02 puts a place.

``TiandituServer``: Tianditu's WMTS, as strict as Tianditu about its key."""

import http.server
import json
import threading
from urllib.parse import parse_qs, urlsplit

from qgis.PyQt.QtCore import QBuffer, QByteArray, QIODevice
from qgis.PyQt.QtGui import QColor, QImage, QPainter, QPen

STREET = (0, 150, 160)
GROUND = (236, 232, 224)
LABEL = (120, 20, 60)  # Tianditu's label tiles (cva): one dark-red block in each, on transparent
LABEL_BOX = (96, 120, 64, 16)  # x, y, width, height in the tile
IMAGERY = (40, 90, 50)  # Tianditu's imagery tiles (img): one flat colour


def png_bytes(image):
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def tile_png(street_x=None):
    """A tile: the grid of streets, or one street at pixel column ``street_x``."""
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor(*GROUND))
    painter = QPainter(image)
    painter.setPen(QPen(QColor(*STREET), 5))
    if street_x is None:
        for k in range(0, 256, 32):
            painter.drawLine(k, 0, k, 256)
            painter.drawLine(0, k, 256, k)
    elif -5 <= street_x <= 261:
        painter.drawLine(round(street_x), 0, round(street_x), 256)
    painter.end()
    return png_bytes(image)


def label_png():
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.fillRect(*LABEL_BOX, QColor(*LABEL))
    painter.end()
    return png_bytes(image)


def imagery_png():
    """Tianditu's imagery (img) as the simulator draws it: a flat dark green."""
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor(*IMAGERY))
    return png_bytes(image)


def street_column(lng, z, x):
    """The pixel column of longitude ``lng`` in tile (z, x) of Web Mercator's grid."""
    return ((lng + 180.0) / 360.0 * 2**z - x) * 256


class _Answering(http.server.BaseHTTPRequestHandler):
    def answer(self, status, kind, body):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _LoopbackServer:
    def __init__(self, handler):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class TileServer(_LoopbackServer):
    def __init__(self, street_lng=None):
        grid, served = tile_png(), []
        self.served = served

        class Handler(_Answering):
            def do_GET(self):
                served.append(self.path)
                png = grid
                if street_lng is not None:
                    z, x = (int(part) for part in self.path.strip("/").split("/")[:2])
                    png = tile_png(street_column(street_lng, z, x))
                self.answer(200, "image/png", png)

        super().__init__(Handler)
        self.template = f"http://127.0.0.1:{self.port}/{{z}}/{{x}}/{{y}}.png"


class TiandituServer(_LoopbackServer):
    """Tianditu's WMTS (KVP GetTile) on loopback: every tile needs ``tk`` equal to the key, else
    HTTP 403 with Tianditu's JSON (code 1, illegal key). The streets (vec) are the grid tile, the
    labels (cva, cia) one dark-red block on transparent, the imagery (img) one flat green."""

    REFUSED = {"msg": "非法key", "resolve": "请到API控制台重新获取key", "code": "1"}

    def __init__(self, key):
        tiles = {"vec": tile_png(), "cva": label_png(), "img": imagery_png(), "cia": label_png()}
        asked = []
        self.asked = asked  # (layer, tk, User-Agent, Referer) of every request
        refused = json.dumps(self.REFUSED, ensure_ascii=False).encode()

        class Handler(_Answering):
            def do_GET(self):
                query = {k.upper(): v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                layer = query.get("LAYER", "")
                asked.append((layer, query.get("TK", ""), self.headers.get("User-Agent"), self.headers.get("Referer")))
                numbers = all(query.get(k, "").isdigit() for k in ("TILECOL", "TILEROW", "TILEMATRIX"))
                if query.get("TK") != key:
                    self.answer(403, "application/json", refused)
                elif layer not in tiles or not numbers:
                    self.answer(400, "text/plain", b"bad GetTile request")
                else:
                    self.answer(200, "image/png", tiles[layer])

        super().__init__(Handler)
        self.template = (
            f"http://127.0.0.1:{self.port}/{{layer}}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={{layer}}"
            "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILECOL={x}&TILEROW={y}&TILEMATRIX={z}"
        )
