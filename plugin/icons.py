"""The plugin's icon (toolbar, menu, Processing provider, options page)."""

import os

from qgis.PyQt.QtGui import QIcon

RESOURCES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "resources")


def provider_icon():
    return QIcon(os.path.join(RESOURCES, "icon.svg"))
