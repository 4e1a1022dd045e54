"""How the plugin installs what QGIS does not ship: into QGIS's own Python, the way pip accepts."""

import os
import sys

from crowdheat.plugin.core import deps


def test_install_command_uses_a_python_interpreter():
    command = deps.install_command(["s2sphere"])
    assert "python" in command[0].lower() and command[1:] == ["-m", "pip", "install", "--user", "s2sphere"]


def test_pep_668_pythons_get_the_flag_for_a_user_install(monkeypatch, tmp_path):
    """Debian 12's system Python refuses pip without it; a virtual environment never needs it."""
    import sys

    assert not deps.externally_managed()  # the tests run in a virtual environment
    monkeypatch.setattr(sys, "base_prefix", sys.prefix)
    tmp_stdlib = tmp_path / "stdlib"
    tmp_stdlib.mkdir()
    monkeypatch.setattr(deps.sysconfig, "get_path", lambda name: str(tmp_stdlib))
    (tmp_stdlib / "EXTERNALLY-MANAGED").write_text("[externally-managed]\n")
    assert deps.externally_managed()
    command = deps.install_command(["s2sphere"])
    assert command[-3:] == ["--user", "--break-system-packages", "s2sphere"]


def test_a_pyenv_shim_on_path_is_not_taken_for_qgiss_python(monkeypatch, tmp_path):
    """Embedded, Python takes sys.executable from PATH: under qgis_process that was a pyenv shim,
    a Python without QGIS's packages. The interpreter must live under QGIS's Python prefix."""
    shim = tmp_path / ".pyenv" / "shims" / "python3"
    shim.parent.mkdir(parents=True)
    shim.write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "executable", str(shim))
    chosen = deps.python_executable()
    assert chosen != str(shim) and os.path.abspath(chosen).startswith(os.path.abspath(sys.exec_prefix))
    assert deps.install_command(["s2sphere"])[0] == chosen


def test_a_shapely_older_than_1_8_is_upgraded_and_1_8_is_enough(monkeypatch):
    """Debian 12's and Ubuntu 22.04's shapely 1.8 is supported; Ubuntu 20.04's 1.7 is not: pip is
    asked for a newer one (quoted, or the shell would take '>' for a redirection)."""
    import types

    found = {}
    monkeypatch.setattr(deps.importlib, "import_module", lambda name: found[name])
    monkeypatch.setattr(deps.importlib.util, "find_spec", lambda name: object())
    for version, wanted in (("1.7.1", ["shapely>=1.8"]), ("1.8.5", []), ("2.0.7", [])):
        found["shapely"] = types.SimpleNamespace(__version__=version)
        assert deps.missing() == wanted, version
    found["shapely"] = types.SimpleNamespace(__version__="1.7.1")
    assert '"shapely>=1.8"' in deps.command_text() and '"shapely>=1.8"' in deps.explanation()
