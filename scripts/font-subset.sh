#!/bin/sh
# Rebuilds assets/fonts/NotoSansCJKjp-{Regular,Bold}-Monban-subset.otf (OFL, see assets/fonts/OFL.txt): Noto Sans
# CJK JP cut down to ASCII, kana, CJK punctuation, full-width forms and every character of the
# Japanese translation. Needs Debian's fonts-noto-cjk and `pip install fonttools`. Run after
# changing lang/ja/LC_MESSAGES/monban.po.
set -eu
cd "$(dirname "$0")/.."
python3 - <<'PY' > /tmp/monban-subset-chars.txt
import re
text = open('lang/ja/LC_MESSAGES/monban.po', encoding='utf-8').read()
chars = set()
for m in re.finditer(r'^msgstr(?:\[\d\])? "(.*)"$', text, re.M):
    chars.update(m.group(1))
for lo, hi in ((0x20, 0x7f), (0x3000, 0x3100), (0xff01, 0xff5f)):
    chars.update(chr(c) for c in range(lo, hi))
chars.update("・…—–“”‘’›«»©·言語日本")
print(''.join(sorted(chars)), end='')
PY
for weight in Regular Bold; do
    pyftsubset /usr/share/fonts/opentype/noto/NotoSansCJK-$weight.ttc --font-number=0 \
        --text-file=/tmp/monban-subset-chars.txt --layout-features='*' --no-hinting \
        --output-file=assets/fonts/NotoSansCJKjp-$weight-Monban-subset.otf
done
ls -l assets/fonts/*.otf
