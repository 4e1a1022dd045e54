"""Python packages QGIS installers do not ship, and how to install them into QGIS's own Python.

The plugin loads without them; what needs them says so and offers the install (dock) or stops
with the exact command (Processing).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import site
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Sequence

# module → pip package. s2sphere 0.2.5 imports `future` at import time. shapely plans the heat
# requests (QGIS's Windows and macOS installers usually ship it; Debian's QGIS does not need it).
REQUIRED = {"s2sphere": "s2sphere", "future": "future", "shapely": "shapely"}
# The oldest release that works, where older ones are still shipped: shapely 1.8 (Debian 12,
# Ubuntu 22.04) is supported through core/shapely_lib; 1.7 (Ubuntu 20.04) has no make_valid.
OLDEST = {"shapely": (1, 8)}


def missing() -> list[str]:
    """pip names of the required packages that cannot be imported now; one that is too old comes
    with its oldest release (``shapely>=1.8``), so that pip upgrades it."""
    importlib.invalidate_caches()
    names = []
    for module, package in REQUIRED.items():
        if importlib.util.find_spec(module) is None:
            names.append(package)
        elif _too_old(module):
            names.append(f"{package}>={'.'.join(map(str, OLDEST[module]))}")
    return names


def _too_old(module):
    oldest = OLDEST.get(module)
    if oldest is None:
        return False
    try:
        version = importlib.import_module(module).__version__
        return tuple(int(part) for part in version.split(".")[:2]) < oldest
    except (ImportError, AttributeError, ValueError):
        return False


def python_executable() -> str:
    """QGIS's own Python interpreter. Inside the desktop sys.executable is the QGIS binary; an
    embedded Python (qgis_process) takes it from PATH, where a pyenv shim or another venv may come
    first: it is trusted only when it lives under QGIS's Python prefix."""
    own = sys.executable
    if os.path.basename(own).lower().startswith("python") and _under(own, sys.exec_prefix):
        return own
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [
        os.path.join(sys.exec_prefix, "python.exe"),
        os.path.join(sys.exec_prefix, "python3.exe"),
        os.path.join(sys.exec_prefix, "bin", f"python{version}"),
        os.path.join(sys.exec_prefix, "bin", "python3"),
        os.path.join(sys.prefix, "bin", "python3"),
        "/usr/bin/python3",
    ]
    return next((c for c in candidates if os.path.exists(c)), "python3")


def _under(path, prefix):
    return os.path.abspath(path).startswith(os.path.abspath(prefix).rstrip(os.sep) + os.sep)


def externally_managed() -> bool:
    """Whether pip refuses installs into this Python (PEP 668, e.g. Debian 12's system Python),
    unless told otherwise. Inside a virtual environment it never does."""
    if sys.prefix != getattr(sys, "base_prefix", sys.prefix):
        return False
    return os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))


def install_command(packages: Sequence[str] | None = None) -> list[str]:
    command = [python_executable(), "-m", "pip", "install", "--user"]
    if externally_managed():
        # A --user install writes only to the user's site, never over the system's packages: it is
        # what PEP 668's flag is for here (and QGIS's Python is the system's one on Debian/Ubuntu).
        command.append("--break-system-packages")
    return command + list(packages or missing() or ["s2sphere"])


def command_text(packages: Sequence[str] | None = None) -> str:
    return " ".join(_shell_word(part) for part in install_command(packages))


def _shell_word(part):
    """``part`` quoted where a shell (or cmd.exe) would split or redirect it: ``shapely>=1.8``."""
    return f'"{part}"' if set(part) & set(" <>|&;") else part


def install(packages: Sequence[str] | None = None, run: Callable = subprocess.run) -> tuple[bool, str]:
    """Run pip into the user's site; afterwards the packages import without restarting QGIS.

    Returns (ok, pip's output).
    """
    done = run(install_command(packages), capture_output=True, text=True, timeout=600)
    output = (done.stdout or "") + (done.stderr or "")
    if done.returncode != 0:
        return False, output
    user_site = site.getusersitepackages()
    if os.path.isdir(user_site) and user_site not in sys.path:
        site.addsitedir(user_site)  # did not exist when QGIS started
    importlib.invalidate_caches()
    return not missing(), output


def explanation(offer_button: bool = True) -> str:
    """What is missing and the exact command; ``offer_button`` where the dock's Install button is
    (not in Processing, and not under qgis_process, which has no dock)."""
    names = ", ".join(missing())
    text = (
        f"Crowd heat needs the Python package(s) {names}, which QGIS does not ship. Install them into "
        f"QGIS's Python with:\n{command_text()}\n(on Windows, in the OSGeo4W Shell: "
        f"python -m pip install {' '.join(map(_shell_word, missing()))})"
    )
    return text + (", or press Install." if offer_button else ".")
