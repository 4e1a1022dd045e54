"""Keep resources/i18n/*.ts in step with the code.

    python tools/i18n.py update   add new tr("...") strings to every .ts, mark vanished ones obsolete
    python tools/i18n.py check    exit 1 if a string lacks a finished translation or tr() has no literal

Strings are found with Python's own parser: every call ``tr("literal")`` in plugin/ (the plugin's
one ``tr`` lives in plugin/i18n.py). pylupdate5 is not used because it cannot see a module-level
``tr`` function's context.
"""

import ast
import pathlib
import string
import sys
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parents[1]
I18N = ROOT / "resources" / "i18n"
CONTEXT = "CrowdHeat"


def source_strings():
    """{text: [(relative path, line)]} for every tr("...") in plugin/ (and N_("..."), which marks
    texts for translation in plugin/core, where Qt is not at hand), and the non-literal calls."""
    found, bad = {}, []
    for path in sorted((ROOT / "plugin").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("tr", "N_"):
                relative = path.relative_to(ROOT).as_posix()
                if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    found.setdefault(node.args[0].value, []).append((relative, node.lineno))
                else:
                    bad.append(f"{relative}:{node.lineno}: {node.func.id}() needs a string literal")
    return found, bad


def placeholders(text):
    """The {0:,.1f}-style fields of a string: a translation must keep them, or .format() breaks."""
    return sorted((field, spec) for _, field, spec, _ in string.Formatter().parse(text) if field is not None)


def read_ts(path):
    tree = ET.parse(path)
    messages = {}
    for message in tree.getroot().iter("message"):
        translation = message.find("translation")
        messages[message.findtext("source")] = (translation.text or "", translation.get("type"))
    return tree.getroot().get("language"), messages


def write_ts(path, language, strings, old):
    root = ET.Element("TS", version="2.1", language=language, sourcelanguage="en")
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    for text in sorted(strings, key=lambda t: (strings[t][0], t)):
        message = ET.SubElement(context, "message")
        for filename, line in strings[text]:
            ET.SubElement(message, "location", filename=f"../../{filename}", line=str(line))
        ET.SubElement(message, "source").text = text
        translated, kind = old.get(text, ("", "unfinished"))
        translation = ET.SubElement(message, "translation")
        translation.text = translated
        if not translated or kind == "unfinished":
            translation.set("type", "unfinished")
    for text, (translated, _) in sorted(old.items()):
        if text not in strings and translated:
            message = ET.SubElement(context, "message")
            ET.SubElement(message, "source").text = text
            ET.SubElement(message, "translation", type="obsolete").text = translated
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def main(command):
    strings, bad = source_strings()
    problems = list(bad)
    for path in sorted(I18N.glob("*.ts")):
        language, old = read_ts(path)
        if command == "update":
            write_ts(path, language, strings, old)
            language, old = read_ts(path)
        for text in strings:
            translated, kind = old.get(text, ("", "unfinished"))
            if not translated or kind == "unfinished":
                problems.append(f"{path.name}: no finished translation of {text!r}")
            elif placeholders(translated) != placeholders(text):
                problems.append(f"{path.name}: the placeholders of {text!r} differ in {translated!r}")
    for problem in problems:
        print(problem)
    print(f"{len(strings)} strings, {len(problems)} problems")
    return 1 if problems and command == "check" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "check"))
