"""A loopback XYZ tile server: every tile is the same light "street map" (a grey ground crossed by
teal streets every 32 pixels), so a picture shows where the basemap was drawn. No internet.

With ``street_lng``, the tiles hold one north–south street at that longitude instead, where a
real basemap would draw it (Web Mercator tiles): a test puts it where GCJ-02 puts a place."""

import http.server
import threading

from qgis.PyQt.QtCore import QBuffer, QByteArray, QIODevice
from qgis.PyQt.QtGui import QColor, QImage, QPainter, QPen

STREET = (0, 150, 160)
GROUND = (236, 232, 224)


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
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def street_column(lng, z, x):
    """The pixel column of longitude ``lng`` in tile (z, x) of Web Mercator's grid."""
    return ((lng + 180.0) / 360.0 * 2**z - x) * 256


class TileServer:
    def __init__(self, street_lng=None):
        grid, served = tile_png(), []
        self.served = served

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                served.append(self.path)
                png = grid
                if street_lng is not None:
                    z, x = (int(part) for part in self.path.strip("/").split("/")[:2])
                    png = tile_png(street_column(street_lng, z, x))
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(png)))
                self.end_headers()
                self.wfile.write(png)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.template = f"http://127.0.0.1:{self.server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
