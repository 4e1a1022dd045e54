"""Enable CrowdHeat in a QGIS profile (the Plugin Manager's check box): ``enable_plugin.py PROFILE_DIR``."""

import pathlib
import sys

from qgis.PyQt.QtCore import QSettings

profile = pathlib.Path(sys.argv[1])
ini = profile / "QGIS" / "QGIS3.ini"
ini.parent.mkdir(parents=True, exist_ok=True)
settings = QSettings(str(ini), QSettings.Format.IniFormat)
settings.setValue("PythonPlugins/crowdheat", True)
settings.sync()
print(f"CrowdHeat enabled in {ini}")
