#!/usr/bin/env python3
"""Build a subset CJK font for the egui app.

Usage:
    python3 subset_font.py SOURCE_FONT OUTPUT_FONT --repo REPO_DIR
        [--font-number N] [--chars-out chars.txt] [--gb2312-level2]

SOURCE_FONT   e.g. /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
              (Debian package fonts-noto-cjk). For a .ttc the face whose
              family name is "Noto Sans CJK SC" is picked automatically
              unless --font-number is given.
OUTPUT_FONT   e.g. NotoSansSC-Subset.otf (single-face CFF OpenType).
--repo        path to the application repository; the text sources are
              read relative to it:
                rules/*.ron, rules/sources/*.txt, src/**/*.rs,
                examples/*.ron, docs/*.md

The character set is: every non-ASCII character in those files, plus the
GB2312 level-1 hanzi (rows 16-55, 3,755 chars; --gb2312-level2 adds rows
56-87 too), printable ASCII, Latin-1 (U+00A0-U+00FF), general punctuation
(U+2000-U+206F), CJK symbols and punctuation (U+3000-U+303F), full-width
forms (U+FF01-U+FF5E) and a few arrows/math/check symbols.

Requires: pip install fonttools brotli
"""
import argparse
import glob
import os
import subprocess
import sys

from fontTools.ttLib import TTCollection, TTFont

EXTRA_SYMBOLS = "→←↑↓×÷−±≤≥≠≈∞✓✗✔✘※·—–…‰°℃〔〕「」『』《》〈〉【】〖〗²³¹½¼¾"

FEATURES = "kern,liga,calt,ccmp,mark,mkmk,palt,halt"


def repo_files(repo):
    pats = [
        "rules/*.ron",
        "rules/sources/*.txt",
        "src/**/*.rs",
        "examples/*.ron",
        "docs/*.md",
    ]
    files = []
    for p in pats:
        files.extend(sorted(glob.glob(os.path.join(repo, p), recursive=True)))
    return files


def gb2312_chars(first_row=16, last_row=55):
    out = []
    for row in range(first_row, last_row + 1):
        for c in range(94):
            try:
                out.append(bytes([0xA0 + row, 0xA1 + c]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


def collect_chars(repo, level2=False):
    chars = set()
    files = repo_files(repo)
    file_chars = set()
    if not files:
        sys.exit(f"no source files found under --repo {repo}")
    for f in files:
        with open(f, encoding="utf-8", errors="replace") as fh:
            for ch in fh.read():
                if ord(ch) > 0x7E and ch != "\ufffd" and ch.isprintable():
                    file_chars.add(ch)
    chars |= file_chars
    chars.update(gb2312_chars(16, 87 if level2 else 55))
    chars.update(chr(c) for c in range(0x20, 0x7F))  # ASCII
    chars.update(chr(c) for c in range(0xA0, 0x100))  # Latin-1
    chars.update(chr(c) for c in range(0x2000, 0x2070))  # general punctuation
    chars.update(chr(c) for c in range(0x3000, 0x3040))  # CJK punctuation
    chars.update(chr(c) for c in range(0xFF01, 0xFF5F))  # full-width forms
    chars.update(EXTRA_SYMBOLS)
    return chars, files, file_chars


def find_sc_face(path):
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    coll = TTCollection(path, lazy=True)
    for i, f in enumerate(coll.fonts):
        if f["name"].getDebugName(1) == "Noto Sans CJK SC":
            return i
    sys.exit(f"no face named 'Noto Sans CJK SC' in {path}; pass --font-number")


def add_fallback_glyphs(font_path, fallback_path, chars):
    """Copy outlines for `chars` from a fallback font (same unitsPerEm
    expected; scaled otherwise) into the CID-keyed CFF font at font_path.
    Returns the list of characters added."""
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    from fontTools.pens.transformPen import TransformPen

    font = TTFont(font_path)
    fb = TTFont(fallback_path)
    fb_cmap = fb.getBestCmap()
    fb_gs = fb.getGlyphSet()
    scale = font["head"].unitsPerEm / fb["head"].unitsPerEm
    cmap = font.getBestCmap()
    todo = [c for c in chars if ord(c) not in cmap and ord(c) in fb_cmap]
    if not todo:
        return []

    cff = font["CFF "].cff
    top = cff[cff.fontNames[0]]
    cs = top.CharStrings
    order = list(font.getGlyphOrder())
    is_cid = hasattr(top, "FDSelect")
    # Use the private dict of an existing symbol glyph (U+2713, U+00D7, 'A').
    ref = next(cmap[u] for u in (0x2713, 0xD7, 0x41) if u in cmap)
    ref_gid = order.index(ref)
    if is_cid:
        fd = top.FDSelect[ref_gid]
        private = top.FDArray[fd].Private
        next_cid = max(int(n[3:]) for n in order if n.startswith("cid")) + 1
    else:
        private = top.Private
    nominal = getattr(private, "nominalWidthX", 0)

    added = []
    for ch in todo:
        src = fb_cmap[ord(ch)]
        width = round(fb["hmtx"][src][0] * scale)
        pen = T2CharStringPen(width - nominal, None)
        fb_gs[src].draw(TransformPen(pen, (scale, 0, 0, scale, 0, 0)))
        charstring = pen.getCharString(private=private, globalSubrs=cff.GlobalSubrs)
        if is_cid:
            name = f"cid{next_cid:05d}"
            next_cid += 1
            top.FDSelect.append(fd)
        else:
            name = f"uni{ord(ch):04X}"
        cs.charStringsIndex.append(charstring)
        cs.charStrings[name] = len(cs.charStringsIndex) - 1
        top.charset.append(name)
        order.append(name)
        bounds = charstring.calcBounds(None) if hasattr(charstring, "calcBounds") else None
        lsb = round(bounds[0]) if bounds else 0
        font["hmtx"][name] = (width, lsb)
        for table in font["cmap"].tables:
            if table.isUnicode() and (table.format != 4 or ord(ch) <= 0xFFFF):
                table.cmap[ord(ch)] = name
        added.append(ch)
    font.setGlyphOrder(order)
    top.numGlyphs = len(order)
    font.save(font_path)
    return added


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("source")
    ap.add_argument("output")
    ap.add_argument("--repo", required=True)
    ap.add_argument("--font-number", type=int, default=None)
    ap.add_argument("--chars-out", default=None,
                    help="where to write chars.txt (default: next to output)")
    ap.add_argument("--gb2312-level2", action="store_true",
                    help="also include GB2312 level-2 hanzi (rows 56-87)")
    ap.add_argument("--fallback-font", default=None,
                    help="font to take outlines from for characters used in the "
                         "repository texts (or in the fixed symbol list) that the "
                         "source font lacks, e.g. NotoSansSymbols2-Regular.ttf for "
                         "U+2717; must be OFL-compatible")
    a = ap.parse_args()

    chars, files, file_chars = collect_chars(a.repo, a.gb2312_level2)
    # Only chars the app may actually draw; drop controls/format chars the
    # source font has no glyph for anyway (they are listed as missing below).
    text = "".join(sorted(chars))
    chars_out = a.chars_out or os.path.join(
        os.path.dirname(os.path.abspath(a.output)), "chars.txt")
    with open(chars_out, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
    print(f"{len(files)} source files, {len(chars)} distinct characters -> {chars_out}")

    n = a.font_number if a.font_number is not None else find_sc_face(a.source)
    cmd = [
        sys.executable, "-m", "fontTools.subset", a.source,
        f"--font-number={n}",
        f"--text-file={chars_out}",
        f"--output-file={a.output}",
        f"--layout-features={FEATURES}",
        "--no-hinting",
        "--desubroutinize",
        "--name-IDs=*",
        "--name-legacy",
        "--name-languages=*",
        "--notdef-outline",
        "--recommended-glyphs",
        "--drop-tables+=VORG,vhea,vmtx,BASE",
    ]
    print("running:", " ".join(cmd))
    subprocess.run(cmd, check=True)

    if a.fallback_font:
        want_fb = sorted(file_chars | set(EXTRA_SYMBOLS))
        added = add_fallback_glyphs(a.output, a.fallback_font, want_fb)
        print(f"added from {a.fallback_font}:",
              " ".join(f"U+{ord(c):04X}({c})" for c in added) or "nothing")

    # Verify.
    src_cmap = TTFont(a.source, fontNumber=n, lazy=True).getBestCmap()
    out = TTFont(a.output)
    out_cmap = out.getBestCmap()
    wanted = [c for c in text if c != "\n"]
    missing = [c for c in wanted if ord(c) not in out_cmap]
    lacking_in_source = [c for c in missing if ord(c) not in src_cmap]
    not_in_src = [c for c in wanted if ord(c) not in src_cmap and ord(c) in out_cmap]
    if not_in_src:
        print("covered only through the fallback font:",
              " ".join(f"U+{ord(c):04X}({c})" for c in not_in_src))
    lost = [c for c in missing if ord(c) in src_cmap]
    size = os.path.getsize(a.output)
    print(f"face index {n}: {out['name'].getDebugName(4)}")
    print(f"output {a.output}: {size} bytes ({size / 1048576:.2f} MiB), "
          f"{len(out.getGlyphOrder())} glyphs, {len(out_cmap)} cmap entries")
    print(f"requested {len(wanted)} chars, covered {len(wanted) - len(missing)}, "
          f"missing {len(missing)}")
    if lacking_in_source:
        print("absent from the source font too:",
              " ".join(f"U+{ord(c):04X}" for c in lacking_in_source))
        used = [c for c in lacking_in_source if c in file_chars]
        print("  of which used in the repository texts:",
              " ".join(f"U+{ord(c):04X}({c})" for c in used) or "none")
    if lost:
        print("ERROR: present in source but missing from subset:",
              " ".join(f"U+{ord(c):04X}({c})" for c in lost))
        sys.exit(1)


if __name__ == "__main__":
    main()
