#!/usr/bin/env python3
"""Proposes lines for assets/icons/brands.txt: the services of the 2fa.directory list
(github.com/2factorauth/twofactorauth, MIT licence) that offer TOTP and have a Simple Icons icon.

Usage: scripts/brands-select.py TWOFACTORAUTH_CHECKOUT SIMPLE_ICONS_PACKAGE_DIR [--all]

Prints one tab-separated line per service not yet in brands.txt (with --all: every match), in
the brands.txt format: slug, names (" | "-separated), domains (space-separated). Review the
lines before adding them: a match made through the domain alone is marked "# by domain" and is
where mistakes happen (kit.edu is a university, not the Kit brand). Matching: the 2fa.directory
name or the domain's registrable label equals a Simple Icons slug, title or alias, compared as
lower-case letters and digits. Icons whose Simple Icons entry names a licence other than CC0
are skipped (the rest of Simple Icons is CC0).
"""

import glob
import json
import os
import re
import sys

SUFFIX_LABELS = {"co", "com", "net", "org", "gov", "ac", "edu", "or", "ne", "go", "gob", "gouv"}


def key(s):
    s = s.lower().replace("&", "and").replace("+", "plus")
    return re.sub(r"[^0-9a-z]", "", s)


def registrable_label(domain):
    labels = domain.lower().split(".")
    if len(labels) >= 3 and labels[-2] in SUFFIX_LABELS:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__)
    tfa_dir, si_dir = args
    icons = json.load(open(os.path.join(si_dir, "data", "simple-icons.json")))
    by_key = {}
    for icon in icons:
        licence = (icon.get("license") or {}).get("type", "CC0-1.0")
        if licence != "CC0-1.0":
            continue
        by_key.setdefault(icon["slug"], icon)
        by_key.setdefault(key(icon["title"]), icon)
        for aka in (icon.get("aliases") or {}).get("aka", []):
            by_key.setdefault(key(aka), icon)

    here = os.path.dirname(os.path.abspath(__file__))
    listed = set()
    for line in open(os.path.join(here, "..", "assets", "icons", "brands.txt"), encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            listed.add(line.split("\t")[0])

    found = {}
    for path in sorted(glob.glob(os.path.join(tfa_dir, "entries", "*", "*.json"))):
        for name, entry in json.load(open(path, encoding="utf-8")).items():
            if "totp" not in entry.get("tfa", []):
                continue
            domain = entry.get("domain", "")
            domains = [domain] + entry.get("additional-domains", [])
            for how, k in (("name", key(name)), ("domain", key(registrable_label(domain)))):
                icon = by_key.get(k)
                if icon:
                    f = found.setdefault(icon["slug"], {"names": [], "domains": [], "how": set()})
                    f["names"].append(name)
                    f["domains"].extend(domains)
                    f["how"].add(how)
                    break
    for slug in sorted(found):
        if slug in listed and "--all" not in sys.argv:
            continue
        f = found[slug]
        names = " | ".join(dict.fromkeys(f["names"]))
        domains = " ".join(dict.fromkeys(d for d in f["domains"] if d))
        note = "\t# by domain" if f["how"] == {"domain"} else ""
        print(f"{slug}\t{names}\t{domains}{note}")


if __name__ == "__main__":
    main()
