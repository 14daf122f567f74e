#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Fails when a public or protected member of a public header has no QDoc
documentation.

QDoc 6.4 drops undocumented members silently. Run with --showinternal, it
keeps them in its index file, marked status="internal" without
documented="true", each with the header line it was declared on; whether
that line is public is read from the header's access specifiers.

    check_documented.py INDEX HEADER...
"""
import re
import sys
import xml.etree.ElementTree as ElementTree

ACCESS = re.compile(r"^\s*(public|protected|private)?\s*(Q_SLOTS|slots|Q_SIGNALS|signals)?\s*:(?!:)")
CLASS = re.compile(r"^\s*(class|struct)\s+(\w+\s+)*\w+\s*(final\s*)?(:[^;]*)?$")


def line_access(path):
    """The access of each line of a header: 'public', 'protected' or
    'private' (outside any class: 'public')."""
    with open(path, encoding="utf-8") as header:
        lines = header.read().split("\n")
    access = {}
    scopes = []  # (brace depth of the class body, current access)
    depth = 0
    pending_class = None
    for number, line in enumerate(lines, start=1):
        code = re.sub(r"//.*", "", line)
        if CLASS.match(code) and "(" not in code:
            pending_class = "public" if code.split()[0] == "struct" else "private"
        match = ACCESS.match(code)
        if scopes and match and (match.group(1) or match.group(2)) and depth == scopes[-1][0]:
            kind = match.group(1) or "public"  # Q_SIGNALS: is public
            scopes[-1] = (scopes[-1][0], kind)
        access[number] = scopes[-1][1] if scopes else "public"
        for char in code:
            if char == "{":
                depth += 1
                if pending_class:
                    scopes.append((depth, pending_class))
                    pending_class = None
            elif char == "}":
                if scopes and scopes[-1][0] == depth:
                    scopes.pop()
                depth -= 1
        if code.rstrip().endswith(";"):
            pending_class = None
    return access


def main():
    index, headers = sys.argv[1], sys.argv[2:]
    accesses = {header: line_access(header) for header in headers}
    missing = []
    for node in ElementTree.parse(index).iter():
        path = node.get("filepath")
        if path not in accesses or node.get("documented") == "true":
            continue
        if node.get("status") != "internal":
            continue  # documented through its property (accessors, notifiers)
        if node.get("name", "").startswith("qt_"):
            continue  # what moc and Q_ENUM add, Qt's reserved prefix
        line = int(node.get("lineno", "0"))
        if node.tag != "property" and accesses[path].get(line) == "private":
            continue
        what = node.get("signature") or node.get("fullname") or node.get("name")
        missing.append(f"{path}:{line}: undocumented {node.tag} {what}")
    for entry in missing:
        print(entry)
    if missing:
        print(f"{len(missing)} public members without documentation: add them to docs/src/*.qdoc")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
