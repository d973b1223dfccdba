#!/usr/bin/env python3
"""Reference decoder for `cargo bench --bench qr`: zxing-cpp (PyPI `zxing-cpp`), default options
except text_mode=Plain: the payload text as stored, which is what `monban scan` prints and what
expected.tsv holds (the default HRI mode rewrites GS1 data and control characters, which would
cost zxing-cpp two photos of the dev set).

  qr_ref.py time FILE...    one JSON line per file: {"file", "texts", "ms"}; "ms" is the decode
                            time of an in-memory 8-bit grayscale image (image loading excluded),
                            median of 3 runs
  qr_ref.py scan FILE...    what `monban scan --json` does: load and decode every file, print one
                            JSON array of {"file", "payloads"} (timed as a whole by the caller)

Needs `pip install zxing-cpp pillow`.
"""
import json
import statistics
import sys
import time

import zxingcpp
from PIL import Image, ImageOps


def load_gray(path):
    img = Image.open(path)
    img = ImageOps.exif_transpose(img)
    return img.convert("L")


def cmd_time(files):
    for f in files:
        try:
            img = load_gray(f)
        except Exception as e:  # noqa: BLE001 - report and go on
            print(json.dumps({"file": f, "texts": [], "ms": 0.0, "error": str(e)}), flush=True)
            continue
        times = []
        texts = []
        for _ in range(3):
            t = time.perf_counter()
            res = zxingcpp.read_barcodes(img, text_mode=zxingcpp.TextMode.Plain)
            times.append((time.perf_counter() - t) * 1000.0)
            texts = [r.text for r in res]
        print(json.dumps({"file": f, "texts": texts, "ms": statistics.median(times)}), flush=True)


def cmd_scan(files):
    out = []
    for f in files:
        try:
            img = load_gray(f)
            res = zxingcpp.read_barcodes(img, text_mode=zxingcpp.TextMode.Plain)
            out.append({"file": f, "payloads": [r.text for r in res]})
        except Exception as e:  # noqa: BLE001
            out.append({"file": f, "payloads": [], "error": str(e)})
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("time", "scan"):
        sys.exit(__doc__)
    {"time": cmd_time, "scan": cmd_scan}[sys.argv[1]](sys.argv[2:])
