"""The pure core is tested without QGIS. Run alone (``make test`` does, with QGIS's pytest plugins
off), these tests cannot import qgis or Qt: an import of either fails the test that makes it. In a
whole-suite run QGIS is already loaded by the other tests' plugins, and nothing is blocked."""

import sys

import pytest

QT_AND_QGIS = ("qgis", "PyQt5", "PyQt6", "sip")


class _NoQgis:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in QT_AND_QGIS:
            raise ImportError(f"{name}: the core must not import QGIS or Qt (tests/core/conftest.py)")
        return None


if not any(name in sys.modules for name in QT_AND_QGIS):
    sys.meta_path.insert(0, _NoQgis())


@pytest.fixture(autouse=True)
def _nothing_of_qgis_loaded(request):
    """Alone, a test that loaded QGIS or Qt in any way (not only by import) fails here."""
    alone = any(isinstance(finder, _NoQgis) for finder in sys.meta_path)
    yield
    if alone:
        loaded = [name for name in QT_AND_QGIS if name in sys.modules]
        assert not loaded, f"{request.node.name} loaded {loaded}"
