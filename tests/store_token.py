"""Store a Jike token in a QGIS profile's authentication database, as the settings page does,
outside any test process: ``python tests/store_token.py PROFILE_FOLDER PLUGINS_DIR MASTER TOKEN``
(PROFILE_FOLDER: ``<QGIS_CUSTOM_CONFIG_PATH>/profiles/default``, where qgis_process looks)."""

import sys

from qgis.PyQt.QtCore import QCoreApplication, QSettings

profile, plugins, master, token = sys.argv[1:5]
sys.path.insert(0, plugins)
QCoreApplication.setOrganizationName("QGIS")
QCoreApplication.setOrganizationDomain("qgis.org")
QCoreApplication.setApplicationName("QGIS3")
QSettings.setDefaultFormat(QSettings.IniFormat)
QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, profile)

from qgis.core import QgsApplication, QgsSettings  # noqa: E402

app = QgsApplication([], False, profile)
app.initQgis()
if not QgsApplication.authManager().setMasterPassword(master, True):
    sys.exit("the master password was refused")
from crowdheat.plugin.gis import settings  # noqa: E402

settings.set_secret("jike", "token", token)
QgsSettings().sync()
app.exitQgis()
