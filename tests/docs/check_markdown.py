#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Fails when the project's Markdown pages do not stand on their own.

    check_markdown.py SOURCE_DIR [MAX_README_LINES]

Checks README.md, docs/*.md, stress/README.md and bench/README.md: every
relative link (and image) resolves to a file or folder of the repository,
and a #anchor to a heading of the page it names; every script they name
(scripts/...) exists; none points to a document outside the repository;
README.md has at most MAX_README_LINES lines (default 300). Each fault is
printed as FILE:LINE: what.
"""
import os
import re
import sys
import unicodedata

LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")
SCRIPT = re.compile(r"(?<![\w./-])(scripts/[\w./-]+\.(?:sh|py|cmake))")
OUTSIDE = re.compile(r"SPEC\.md|\.\./shared/|\bthe contract\b|\bissue notes\b|\bissue \d+", re.IGNORECASE)
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def pages(source):
    found = [os.path.join(source, "README.md")]
    docs = os.path.join(source, "docs")
    found += sorted(os.path.join(docs, name) for name in os.listdir(docs) if name.endswith(".md"))
    for extra in ("stress/README.md", "bench/README.md", "CHANGELOG.md"):
        if os.path.exists(os.path.join(source, extra)):
            found.append(os.path.join(source, extra))
    return found


def without_code(lines):
    """The lines with fenced blocks blanked, and what is inside backticks."""
    result, fenced = [], False
    for line in lines:
        if line.lstrip().startswith("```"):
            fenced = not fenced
            result.append("")
            continue
        result.append("" if fenced else re.sub(r"`[^`]*`", "``", line))
    return result


def slug(heading):
    """The anchor GitHub gives a heading."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text
    text = text.replace("`", "").strip().lower()
    text = "".join(c for c in text
                   if c in "-_ " or unicodedata.category(c)[0] in "LN")
    return text.replace(" ", "-")


def anchors(path, cache={}):
    if path not in cache:
        with open(path, encoding="utf-8") as file:
            lines = without_code(file.read().splitlines())
        seen, found = {}, set()
        for line in lines:
            match = HEADING.match(line)
            if not match:
                continue
            base = slug(match.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else "%s-%d" % (base, count))
        cache[path] = found
    return cache[path]


def check(source, max_readme_lines):
    faults = []
    for page in pages(source):
        name = os.path.relpath(page, source)
        with open(page, encoding="utf-8") as file:
            raw = file.read().splitlines()
        if name == "README.md" and len(raw) > max_readme_lines:
            faults.append("%s: %d lines, more than %d" % (name, len(raw), max_readme_lines))
        for number, line in enumerate(raw, 1):
            for script in SCRIPT.findall(line):
                if not os.path.isfile(os.path.join(source, script)):
                    faults.append("%s:%d: names %s, which does not exist" % (name, number, script))
            if OUTSIDE.search(line):
                faults.append("%s:%d: points outside the repository: %s" % (name, number, line.strip()))
        for number, line in enumerate(without_code(raw), 1):
            for target in LINK.findall(line):
                if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
                    continue  # http:, https:, mailto:
                path, _, anchor = target.partition("#")
                resolved = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
                if not resolved.startswith(os.path.abspath(source) + os.sep) and resolved != os.path.abspath(source):
                    faults.append("%s:%d: %s leaves the repository" % (name, number, target))
                elif not os.path.exists(resolved):
                    faults.append("%s:%d: %s: no such file" % (name, number, target))
                elif anchor and resolved.endswith(".md") and anchor not in anchors(resolved):
                    faults.append("%s:%d: %s: no heading with that anchor in %s"
                                  % (name, number, target, os.path.relpath(resolved, source)))
    return faults


def main():
    source = os.path.abspath(sys.argv[1])
    max_readme_lines = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    faults = check(source, max_readme_lines)
    for fault in faults:
        print(fault)
    checked = ", ".join(os.path.relpath(page, source) for page in pages(source))
    if faults:
        print("docs_check: %d fault(s) in %s" % (len(faults), checked))
        return 1
    print("docs_check: links, anchors, scripts and length fine in %s" % checked)
    return 0


if __name__ == "__main__":
    sys.exit(main())
