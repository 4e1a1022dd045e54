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
