"""Fill or fix entries of a gettext catalogue from a dict (msgid -> msgstr) and drop their fuzzy flags.

Usage: .venv/bin/python scripts/po_fill.py locale/et/LC_MESSAGES/django.po translations.json
"""

import json
import re
import sys


def unquote(lines: list[str]) -> str:
    return "".join(json.loads(line[line.index('"') :]) for line in lines)


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def main(po_path: str, json_path: str) -> int:
    with open(json_path, encoding="utf-8") as handle:
        wanted = json.load(handle)
    with open(po_path, encoding="utf-8") as handle:
        blocks = handle.read().split("\n\n")
    done = set()
    for index, block in enumerate(blocks):
        lines = block.split("\n")
        try:
            start = next(i for i, line in enumerate(lines) if line.startswith("msgid "))
        except StopIteration:
            continue
        end = next((i for i, line in enumerate(lines) if line.startswith(("msgstr", "msgid_plural"))), len(lines))
        msgid = unquote(lines[start:end])
        if msgid not in wanted or any(line.startswith("msgid_plural") for line in lines):
            continue
        head = [line for line in lines[:start] if not line.startswith("#|")]
        head = [re.sub(r",\s*fuzzy", "", line) if line.startswith("#,") else line for line in head]
        head = [line for line in head if line.strip() != "#"]
        blocks[index] = "\n".join([*head, *lines[start:end], f"msgstr {quote(wanted[msgid])}"])
        done.add(msgid)
    with open(po_path, "w", encoding="utf-8") as handle:
        handle.write("\n\n".join(blocks))
    missing = set(wanted) - done
    if missing:
        print("not found:", sorted(missing))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
