"""Checking an uploaded file before anything is kept: size, extension, content (magic bytes), archives.

`validate_upload(file, allowed={"pdf", "jpg", "docx"}, max_bytes=20 * 1024 * 1024)` reads the file (an
UploadedFile or any binary file object with a `name`), never writes it anywhere, and either returns an
`UploadInfo` or raises `ValidationFailed({"file": "<中文>"})`. Call it before saving; on refusal save
nothing. Office files (.docx/.xlsx/.pptx) must be real zip archives with the parts their type requires and
must not expand beyond `ZIP_MAX_UNCOMPRESSED` or by more than `ZIP_MAX_RATIO` (zip bombs).
"""

from __future__ import annotations

import os
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from .errors import ValidationFailed

ZIP_MAX_MEMBERS = 2000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 200  # applied to members larger than ZIP_RATIO_FROM bytes
ZIP_RATIO_FROM = 1024 * 1024

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _ftyp(head: bytes) -> bool:
    return len(head) >= 12 and head[4:8] == b"ftyp"


def _mp3(head: bytes) -> bool:
    return head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


def _wav(head: bytes) -> bool:
    return head.startswith(b"RIFF") and head[8:12] == b"WAVE"


def _webp(head: bytes) -> bool:
    return head.startswith(b"RIFF") and head[8:12] == b"WEBP"


# extension -> (content type, check of the first bytes)
SIGNATURES: dict[str, tuple[str, Callable[[bytes], bool] | None]] = {
    "pdf": ("application/pdf", lambda h: h.startswith(b"%PDF-")),
    "jpg": ("image/jpeg", lambda h: h.startswith(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", lambda h: h.startswith(b"\xff\xd8\xff")),
    "png": ("image/png", lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
    "gif": ("image/gif", lambda h: h.startswith((b"GIF87a", b"GIF89a"))),
    "webp": ("image/webp", _webp),
    "heic": ("image/heic", _ftyp),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        lambda h: h.startswith(b"PK\x03\x04"),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lambda h: h.startswith(b"PK\x03\x04"),
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        lambda h: h.startswith(b"PK\x03\x04"),
    ),
    "doc": ("application/msword", lambda h: h.startswith(_OLE)),
    "xls": ("application/vnd.ms-excel", lambda h: h.startswith(_OLE)),
    "mp3": ("audio/mpeg", _mp3),
    "m4a": ("audio/mp4", _ftyp),
    "mp4": ("video/mp4", _ftyp),
    "amr": ("audio/amr", lambda h: h.startswith(b"#!AMR")),
    "wav": ("audio/wav", _wav),
    "txt": ("text/plain", None),  # checked as UTF-8 text below
    "csv": ("text/csv", None),
}

# The part each Office format must contain.
OFFICE_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}

TYPE_NAMES = {
    "pdf": "PDF",
    "jpg": "JPG 图片",
    "jpeg": "JPG 图片",
    "png": "PNG 图片",
    "gif": "GIF 图片",
    "webp": "WEBP 图片",
    "heic": "HEIC 图片",
    "docx": "Word 文档（.docx）",
    "xlsx": "Excel 表格（.xlsx）",
    "pptx": "PPT（.pptx）",
    "doc": "Word 文档（.doc）",
    "xls": "Excel 表格（.xls）",
    "mp3": "MP3 录音",
    "m4a": "M4A 录音",
    "mp4": "MP4 视频",
    "amr": "AMR 录音",
    "wav": "WAV 录音",
    "txt": "文本文件",
    "csv": "CSV 表格",
}


@dataclass(frozen=True)
class UploadInfo:
    name: str  # a safe file name (no directories, no control characters)
    extension: str
    content_type: str
    size: int


def _refuse(message: str):
    raise ValidationFailed({"file": message})


def _human(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.0f} MB"
    return f"{max(size // 1024, 1)} KB"


def safe_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = base.strip().lstrip(".")
    return base[:120] or "file"


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return int(size)
    position = file.tell()
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(position)
    return size


def _check_zip(file, extension: str, max_uncompressed: int = ZIP_MAX_UNCOMPRESSED) -> None:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                _refuse("文件内部结构异常（条目过多），已拒绝上传。")
            total = 0
            for member in members:
                if member.flag_bits & 0x1:
                    _refuse("文件已加密，无法检查，请上传未加密的文件。")
                total += member.file_size
                if member.file_size > ZIP_RATIO_FROM and member.file_size > ZIP_MAX_RATIO * max(
                    member.compress_size, 1
                ):
                    _refuse("文件解压后异常膨胀（疑似压缩炸弹），已拒绝上传。")
            if total > max_uncompressed:
                _refuse("文件解压后异常膨胀（疑似压缩炸弹），已拒绝上传。")
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names or OFFICE_PARTS[extension] not in names:
                _refuse(f"文件内容与扩展名不符，不是有效的{TYPE_NAMES[extension]}。")
            bad = archive.testzip()
            if bad is not None:
                _refuse("文件已损坏，无法打开，请重新导出后再上传。")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError, OSError):
        _refuse("文件已损坏，无法打开，请重新导出后再上传。")


def _check_text(file, max_bytes: int) -> None:
    file.seek(0)
    data = file.read(max_bytes + 1)
    if b"\x00" in data:
        _refuse("文件内容与扩展名不符，不是有效的文本文件。")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _refuse("文本文件须为 UTF-8 编码，请另存为 UTF-8 后再上传。")


def validate_upload(
    file, *, allowed: set[str], max_bytes: int, max_uncompressed: int = ZIP_MAX_UNCOMPRESSED
) -> UploadInfo:
    """Refuse (ValidationFailed with a Chinese message under "file") or describe a file that may be kept."""
    if file is None:
        _refuse("请选择要上传的文件。")
    name = safe_name(getattr(file, "name", "") or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = {a.lower().lstrip(".") for a in allowed}
    unknown = allowed - set(SIGNATURES)
    if unknown:
        raise ValueError(f"no content check for {sorted(unknown)}")
    if extension not in allowed:
        kinds = "、".join(sorted({TYPE_NAMES[a] for a in allowed}))
        _refuse(f"不支持该文件类型，请上传以下格式：{kinds}。")
    size = _size(file)
    if size == 0:
        _refuse("文件为空，请重新选择。")
    if size > max_bytes:
        _refuse(f"文件过大（{_human(size)}），单个文件不能超过 {_human(max_bytes)}。")
    try:
        file.seek(0)
        head = file.read(64)
        content_type, check = SIGNATURES[extension]
        if check is None:
            _check_text(file, max_bytes)
        elif not check(head):
            _refuse(f"文件内容与扩展名不符，不是有效的{TYPE_NAMES[extension]}。")
        if extension in OFFICE_PARTS:
            _check_zip(file, extension, min(max_uncompressed, ZIP_MAX_UNCOMPRESSED))
    finally:
        try:
            file.seek(0)
        except (OSError, ValueError):
            pass
    return UploadInfo(name=name, extension=extension, content_type=content_type, size=size)
