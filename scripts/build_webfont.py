"""Build the shipped webfont: Noto Sans CJK SC (SIL OFL 1.1) cut down to the characters the product shows.

The subset holds GB 2312's 6,763 characters and its symbols (which cover everyday names and addresses), every
character in the product's templates, code, data and statutes, and printable ASCII. Run it again when new text
brings characters outside GB 2312:

    apt-get install fonts-noto-cjk && pip install fonttools==4.68.0 brotli==1.2.1
    python scripts/build_webfont.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SC_INDEX = 2  # the collection's order: JP, KR, SC, TC, HK
TARGET = ROOT / "static" / "fonts" / "jiayuan-sans-sc.woff2"
TEXT_SUFFIXES = {".html", ".py", ".yaml", ".yml", ".txt", ".md", ".json", ".csv", ".js"}


def gb2312_characters() -> set[str]:
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def product_characters() -> set[str]:
    chars: set[str] = set()
    for folder in ("jiayuan", "templates", "config", "data", "static/js"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in TEXT_SUFFIXES and path.is_file():
                chars.update(path.read_text(encoding="utf-8", errors="ignore"))
    return {c for c in chars if ord(c) > 0x7F}


def main() -> int:
    text = gb2312_characters() | product_characters() | {chr(c) for c in range(0x20, 0x7F)}
    options = subset.Options()
    options.flavor = "woff2"
    options.font_number = SC_INDEX
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    font = subset.load_font(str(SOURCE), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(text)))
    subsetter.subset(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(TARGET), options)
    print(f"{TARGET.relative_to(ROOT)}: {len(text)} characters, {TARGET.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
