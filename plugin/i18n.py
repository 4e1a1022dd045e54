"""Translation: the one ``tr`` of the plugin and the translator QGIS's locale selects.

Every user-visible string of the Qt layer goes through ``tr`` with the single context "CrowdHeat",
so ``tools/i18n.py`` can find them all and one ``.ts`` file holds them. Field names of layers are
data and stay English. Messages raised by the pure core (``plugin/core``) are English.
"""

import os

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

CONTEXT = "CrowdHeat"
I18N_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "resources", "i18n")
# QGIS names Simplified Chinese "zh-Hans"; Qt and older profiles say zh_CN or just zh.
SIMPLIFIED_CHINESE = {"zh-hans", "zh_hans", "zh-cn", "zh_cn", "zh", "zh-sg", "zh_sg"}


def tr(text):
    return QCoreApplication.translate(CONTEXT, text)


def translated(text):
    """``text`` marked for translation elsewhere with ``N_("...")`` (plugin/core has no Qt), translated."""
    return QCoreApplication.translate(CONTEXT, text)


def qgis_locale():
    """The locale QGIS's user interface runs in: what QGIS loaded, else its override, else the system's."""
    app = QgsApplication.instance()
    if isinstance(app, QgsApplication) and app.translation():
        return app.translation()
    settings = QgsSettings()
    if settings.value("locale/overrideFlag", False, type=bool) and settings.value("locale/userLocale", ""):
        return settings.value("locale/userLocale", "")
    return QLocale.system().name()


def translation_file(locale):
    """The .qm file for ``locale``, or None when the plugin speaks English there."""
    name = (locale or "").strip().lower().replace(".utf-8", "")
    if name in SIMPLIFIED_CHINESE or name.startswith(("zh_cn", "zh-cn", "zh-hans")):
        path = os.path.join(I18N_DIR, "crowdheat_zh_CN.qm")
        return path if os.path.exists(path) else None
    return None


def install_translator(locale=None):
    """Load and install the translator for QGIS's locale; returns it (keep it alive) or None."""
    path = translation_file(qgis_locale() if locale is None else locale)
    if path is None:
        return None
    translator = QTranslator()
    if not translator.load(path):
        return None
    QCoreApplication.installTranslator(translator)
    return translator


def remove_translator(translator):
    if translator is not None:
        QCoreApplication.removeTranslator(translator)
