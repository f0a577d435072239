#!/usr/bin/env python3
"""Writes one man page per command (skiff.1, skiff-daemon.1, skiff-debug-dump.1, ...) from the
command definitions, as `skiff --experimental-dump-help` prints them (swift-argument-parser's
own tree of commands, options, defaults and help). Usage: man-pages.py SKIFF OUTPUT_DIR"""
import datetime
import json
import os
import subprocess
import sys


def roff(text):
    """Escapes text for roff: backslashes, and a leading dot or quote."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    # Anything beyond ASCII as groff's Unicode escape (an em dash is \[u2014]).
    text = "".join(c if ord(c) < 128 else "\\[u%04X]" % ord(c) for c in text)
    return "\n".join(("\\&" + line) if line[:1] in (".", "'") else line for line in text.split("\n"))


def flag_name(name):
    return ("-" if name["kind"] == "short" else "--") + name["name"]


def synopsis(path, command):
    parts = []
    for argument in command.get("arguments", []):
        if not argument.get("shouldDisplay", True):
            continue
        value = argument.get("valueName", "value")
        if argument["kind"] == "positional":
            text = f"<{value}>"
        else:
            text = flag_name(argument["preferredName"])
            if argument["kind"] == "option":
                text += f" <{value}>"
        if argument.get("isOptional"):
            text = f"[{text}]"
        parts.append(text)
    if command.get("subcommands"):
        parts.append("<subcommand>")
    return f".B {' '.join(path)}\n" + roff(" ".join(parts))


def page(path, command, version, date):
    name = "-".join(path)
    lines = [f'.TH "{name.upper()}" "1" "{date}" "skiff {version}" "Skiff Manual"', ".SH NAME",
             f"{roff(name)} \\- {roff(command.get('abstract', ''))}", ".SH SYNOPSIS", synopsis(path, command)]
    if command.get("discussion"):
        lines += [".SH DESCRIPTION", roff(command["discussion"])]
    options = [a for a in command.get("arguments", []) if a.get("shouldDisplay", True)]
    if options:
        lines.append(".SH OPTIONS")
        for argument in options:
            value = argument.get("valueName", "value")
            if argument["kind"] == "positional":
                head = f"<{value}>"
            else:
                head = ", ".join(flag_name(n) for n in argument["names"]) + (f" <{value}>" if argument["kind"] == "option" else "")
            text = argument.get("abstract", "")
            if argument.get("defaultValue") not in (None, "", "false"):
                text += f" (default: {argument['defaultValue']})"
            lines += [".TP", f".B {roff(head)}", roff(text)]
    subcommands = [s for s in command.get("subcommands", []) if s.get("shouldDisplay", True) and s["commandName"] != "help"]
    if subcommands:
        lines.append(".SH SUBCOMMANDS")
        for sub in subcommands:
            lines += [".TP", f".B {roff(sub['commandName'])}", roff(sub.get("abstract", "")) + f" See {'-'.join(path + [sub['commandName']])}(1)."]
    if len(path) > 1:
        lines += [".SH SEE ALSO", f"{'-'.join(path[:-1])}(1)"]
    return name, "\n".join(lines) + "\n"


def walk(path, command, version, date, out):
    name, text = page(path, command, version, date)
    with open(os.path.join(out, name + ".1"), "w") as handle:
        handle.write(text)
    written = [name + ".1"]
    for sub in command.get("subcommands", []):
        if sub.get("shouldDisplay", True) and sub["commandName"] != "help":
            written += walk(path + [sub["commandName"]], sub, version, date, out)
    return written


def main():
    skiff, out = sys.argv[1], sys.argv[2]
    tree = json.loads(subprocess.run([skiff, "--experimental-dump-help"], check=True, capture_output=True, text=True).stdout)
    version = subprocess.run([skiff, "--version"], check=True, capture_output=True, text=True).stdout.split()[0]
    # The date of the build's commit when there is one, so pages are the same for the same source.
    date = os.environ.get("SOURCE_DATE_EPOCH")
    date = datetime.datetime.fromtimestamp(int(date), datetime.timezone.utc) if date else datetime.datetime.now(datetime.timezone.utc)
    os.makedirs(out, exist_ok=True)
    written = walk(["skiff"], tree["command"], version, date.strftime("%Y-%m-%d"), out)
    print(f"{len(written)} man pages in {out}")


main()
