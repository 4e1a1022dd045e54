"""Build crowdheat.zip for the QGIS plugin repository: what the plugin needs at run time, nothing else.

Files come from ``git ls-files`` (so caches, venvs and outputs never slip in) plus the compiled
translations, which are built rather than committed. Top folder: crowdheat/.
"""

import pathlib
import subprocess
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
PLUGIN_NAME = "crowdheat"
# The run-time parts of the repository; everything else (tests, simulator, demo, bench, tools,
# docs, Makefile, CI) is for developers.
INCLUDE_TOP = {"__init__.py", "metadata.txt", "LICENSE", "README.md", "CHANGELOG.md", "plugin", "resources"}
EXCLUDE_SUFFIXES = {".ts", ".pyc"}


def plugin_files():
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    files = [pathlib.Path(p) for p in listed.decode().split("\0") if p]
    files += sorted(p.relative_to(ROOT) for p in (ROOT / "resources" / "i18n").glob("*.qm"))
    return sorted(
        {f for f in files if f.parts[0] in INCLUDE_TOP and f.suffix not in EXCLUDE_SUFFIXES and (ROOT / f).is_file()}
    )


def build(target):
    if not list((ROOT / "resources" / "i18n").glob("*.qm")):
        raise SystemExit("No compiled translation: run `make translations` first.")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative in plugin_files():
            archive.write(ROOT / relative, f"{PLUGIN_NAME}/{relative.as_posix()}")
    return target


if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / f"{PLUGIN_NAME}.zip")
    build(out)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
    print(f"{out}: {len(names)} files, {out.stat().st_size / 1024:.0f} KiB")
