#!/usr/bin/env python3
"""Extracts every @tr() string of ui/**/*.slint into lang/monban.pot and merges it into
lang/ja/LC_MESSAGES/monban.po (keeping existing translations, matched by msgid).

Slint's bundled translations look strings up by (context, msgid), the context being the name
of the component or global the @tr() is written in (the compiler's default, as
slint-tr-extractor does). `--check` exits 1 when a string has no Japanese translation.

    scripts/tr.py            # update the .pot and the .po
    scripts/tr.py --check    # fail on untranslated strings (CI)
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PO = ROOT / "lang/ja/LC_MESSAGES/monban.po"
POT = ROOT / "lang/monban.pot"
STR = r'"((?:[^"\\]|\\.)*)"'
TR = re.compile(r'@tr\(\s*(?:' + STR + r'\s*=>\s*)?' + STR + r'(?:\s*\|\s*' + STR + r'\s*%)?')
DECL = re.compile(r'^(?:export\s+)?(?:component|global)\s+([A-Za-z_][\w-]*)', re.M)


def unescape(s):
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), s)


def po_quote(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n') + '"'


def extract():
    """[(context, msgid, plural or None, 'file:line')] in source order, without repeats."""
    seen, out = set(), []
    for path in sorted((ROOT / "ui").rglob("*.slint")):
        text = path.read_text(encoding="utf-8")
        decls = [(m.start(), m.group(1)) for m in DECL.finditer(text)]
        for m in TR.finditer(text):
            ctx_explicit, msgid, plural = m.group(1), unescape(m.group(2)), m.group(3)
            ctx = unescape(ctx_explicit) if ctx_explicit is not None else ''
            if ctx_explicit is None:
                for start, name in decls:
                    if start < m.start():
                        ctx = name
            plural = unescape(plural) if plural is not None else None
            key = (ctx, msgid, plural)
            if key in seen:
                continue
            seen.add(key)
            line = text.count('\n', 0, m.start()) + 1
            out.append((ctx, msgid, plural, f"{path.relative_to(ROOT)}:{line}"))
    return out


def read_po(path):
    """{msgid: [msgstr forms]} (context-independent: the same English, the same Japanese)."""
    if not path.exists():
        return {}
    entries, cur, key = {}, {}, None
    def flush():
        if 'msgid' in cur and cur['msgid']:
            forms = [cur[k] for k in sorted(k for k in cur if k.startswith('msgstr'))]
            if any(forms):
                entries.setdefault(cur['msgid'], forms)
    for raw in path.read_text(encoding="utf-8").splitlines() + ['']:
        line = raw.strip()
        if not line:
            flush()
            cur, key = {}, None
            continue
        if line.startswith('#'):
            continue
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$', line)
        if m:
            key = m.group(1)
            cur[key] = eval(m.group(2))
        elif line.startswith('"') and key:
            cur[key] += eval(line)
    return entries


HEADER = '''msgid ""
msgstr ""
"Project-Id-Version: monban\\n"
"Language: {lang}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: {plural}\\n"

'''


def write(path, strings, known, lang):
    plural = "nplurals=1; plural=0;" if lang == "ja" else "nplurals=2; plural=(n != 1);"
    parts = [HEADER.format(lang=lang, plural=plural)]
    missing = []
    for ctx, msgid, pl, where in strings:
        forms = known.get(msgid, [])
        if lang and not any(forms):
            missing.append((msgid, where))
        e = f"#: {where}\n"
        if ctx:
            e += f"msgctxt {po_quote(ctx)}\n"
        e += f"msgid {po_quote(msgid)}\n"
        if pl is not None:
            e += f"msgid_plural {po_quote(pl)}\n"
            e += f"msgstr[0] {po_quote(forms[0] if forms else '')}\n"
        else:
            e += f"msgstr {po_quote(forms[0] if forms else '')}\n"
        parts.append(e + "\n")
    path.write_text(''.join(parts), encoding="utf-8")
    return missing


def main():
    strings = extract()
    known = read_po(PO)
    if '--check' in sys.argv:
        missing = [(s[1], s[3]) for s in strings if not any(known.get(s[1], []))]
    else:
        write(POT, strings, {}, "")
        missing = write(PO, strings, known, "ja")
    for msgid, where in missing:
        print(f"untranslated: {where}: {msgid}")
    print(f"{len(strings)} strings, {len(missing)} untranslated", file=sys.stderr)
    return 1 if missing and '--check' in sys.argv else 0


if __name__ == "__main__":
    sys.exit(main())
