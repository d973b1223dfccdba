#!/usr/bin/env python3
"""Generates assets/icons/brands.bin from assets/icons/brands.txt and the simple-icons npm
package (CC0). Rerun after editing brands.txt or to move to another Simple Icons release:

    scripts/brands.py                     # npm-installs simple-icons@SIMPLE_ICONS_VERSION
    scripts/brands.py PATH/TO/simple-icons  # an unpacked package (node_modules/simple-icons)
    SIMPLE_ICONS_VERSION=16.38.0 scripts/brands.py

The output is raw DEFLATE of UTF-8 text: a first line
`monban-brands 1<TAB>simple-icons VERSION<TAB>COUNT`, then one line per brand:
`slug<TAB>title<TAB>RRGGBB<TAB>names (|-separated)<TAB>domains (space-separated)<TAB>path`,
where path is the icon's SVG path data on a 24x24 view box (empty for LETTER brands, which are
drawn as a letter avatar in their colour). `src/brands.rs` reads it; the build needs no npm.
Fails, naming the slug, when brands.txt lists an icon Simple Icons does not have or publishes
under a licence other than CC0.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
LIST = os.path.join(ROOT, "assets", "icons", "brands.txt")
OUT = os.path.join(ROOT, "assets", "icons", "brands.bin")
DEFAULT_VERSION = "16.37.0"


def package_dir(tmp):
    if len(sys.argv) > 1:
        return sys.argv[1]
    version = os.environ.get("SIMPLE_ICONS_VERSION", DEFAULT_VERSION)
    subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", tmp,
         f"simple-icons@{version}"],
        check=True,
    )
    return os.path.join(tmp, "node_modules", "simple-icons")


def read_list():
    brands = []
    for n, line in enumerate(open(LIST, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        cols = [c for c in cols if not c.startswith("#")]
        if len(cols) not in (3, 5):
            sys.exit(f"brands.txt line {n}: expected 3 or 5 tab-separated columns, got {len(cols)}")
        slug, names, domains = cols[:3]
        if not re.fullmatch(r"[0-9a-z]+", slug):
            sys.exit(f"brands.txt line {n}: slug {slug!r} must be lower-case letters and digits")
        letter = cols[3:] if len(cols) == 5 else None
        if letter and not re.fullmatch(r"[0-9A-Fa-f]{6}", letter[1]):
            sys.exit(f"brands.txt line {n}: colour {letter[1]!r} is not RRGGBB")
        brands.append((slug, [x.strip() for x in names.split("|") if x.strip()],
                       domains.split(), letter))
    slugs = [b[0] for b in brands]
    dup = {s for s in slugs if slugs.count(s) > 1}
    if dup:
        sys.exit(f"brands.txt lists these slugs twice: {', '.join(sorted(dup))}")
    return brands


def main():
    brands = read_list()
    with tempfile.TemporaryDirectory() as tmp:
        pkg = package_dir(tmp)
        meta = json.load(open(os.path.join(pkg, "package.json")))
        icons = {i["slug"]: i for i in json.load(open(os.path.join(pkg, "data", "simple-icons.json")))}
        lines = []
        for slug, names, domains, letter in brands:
            if letter:
                title, hexc, path = letter[0], letter[1].upper(), ""
            else:
                icon = icons.get(slug)
                if icon is None:
                    sys.exit(f"simple-icons {meta['version']} has no icon \"{slug}\"")
                licence = (icon.get("license") or {}).get("type", "CC0-1.0")
                if licence != "CC0-1.0":
                    sys.exit(f"the icon \"{slug}\" is published under {licence}, not CC0")
                svg = open(os.path.join(pkg, "icons", f"{slug}.svg"), encoding="utf-8").read()
                if 'viewBox="0 0 24 24"' not in svg:
                    sys.exit(f"the icon \"{slug}\" is not on a 24x24 view box")
                paths = re.findall(r'<path d="([^"]+)"', svg)
                if len(paths) != 1:
                    sys.exit(f"the icon \"{slug}\" has {len(paths)} paths, expected 1")
                title, hexc, path = icon["title"], icon["hex"].upper(), paths[0]
            fields = [slug, title, hexc, "|".join(names), " ".join(domains), path]
            if any("\t" in f or "\n" in f for f in fields):
                sys.exit(f"\"{slug}\": a field holds a tab or a line break")
            lines.append("\t".join(fields))
    text = f"monban-brands 1\tsimple-icons {meta['version']}\t{len(lines)}\n" + "\n".join(lines) + "\n"
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = c.compress(text.encode("utf-8")) + c.flush()
    open(OUT, "wb").write(data)
    logos = sum(1 for b in brands if not b[3])
    print(f"{os.path.relpath(OUT, ROOT)}: {len(lines)} brands ({logos} logos from simple-icons "
          f"{meta['version']}, {len(lines) - logos} letter avatars), {len(data)} bytes "
          f"({len(text.encode())} before compression)")


if __name__ == "__main__":
    main()
