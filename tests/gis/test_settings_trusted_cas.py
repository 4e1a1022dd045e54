"""TLS against a service behind a company CA: trusted in QGIS's certificate manager, so trusted by
the plugin too; verification never turned off. A real HTTPS server on loopback, a real CA made
with openssl."""

import json
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from qgis.core import QgsApplication
from qgis.PyQt.QtNetwork import QSslCertificate

from crowdheat.plugin.core.errors import NetworkError
from crowdheat.plugin.core.http import make_session, post_json
from crowdheat.plugin.gis import settings


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def company_https(tmp_path):
    """(https URL, CA certificate path) of a loopback server whose certificate a made-up CA signed."""
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=CrowdHeat Test Company CA",
        cwd=tmp_path,
    )
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
        cwd=tmp_path,
    )
    (tmp_path / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        cwd=tmp_path,
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.dumps({"ok": True}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "server.pem", tmp_path / "server.key")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}/api", tmp_path / "ca.pem"
    server.shutdown()
    server.server_close()


def test_a_ca_trusted_in_qgis_is_trusted_by_the_plugin(company_https, auth_unlocked):
    url, ca_path = company_https
    with pytest.raises(NetworkError, match="TLS certificate check failed"):
        post_json(url, {}, session=make_session(settings.trusted_ca_bundle()))
    manager = QgsApplication.authManager()
    ca = QSslCertificate.fromPath(str(ca_path))[0]
    assert manager.storeCertAuthority(ca)
    manager.rebuildCaCertsCache()
    manager.rebuildTrustedCaCertsCache()
    try:
        bundle = open(settings.trusted_ca_bundle(), "rb").read()
        assert bytes(ca.toPem()).strip() in bundle
        result = post_json(url, {}, session=make_session(settings.trusted_ca_bundle()))
        assert result.status == 200 and json.loads(result.content) == {"ok": True}
        network = settings.network_for(url)
        assert network["verify"] == settings.trusted_ca_bundle() and network["verify"] is not False
    finally:
        manager.removeCertAuthority(ca)
        manager.rebuildCaCertsCache()
        manager.rebuildTrustedCaCertsCache()


def test_making_the_bundle_leaves_no_file_open(auth_unlocked):
    """qgis_process printed 'ResourceWarning: unclosed file … ca-certificates.crt' on every run."""
    import gc
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):  # the second call compares with the bundle the first one wrote
            settings.trusted_ca_bundle()
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
