"""Uploads: wrong type, oversized files and broken or exploding archives are refused in Chinese, nothing kept."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from jiayuan.core.errors import ValidationFailed
from jiayuan.core.uploads import validate_upload

OFFICE = {"docx", "xlsx"}
EVIDENCE = {"pdf", "jpg", "jpeg", "png", "docx", "xlsx", "mp3", "m4a", "txt"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _office(kind: str = "xlsx", extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    part = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}[kind]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<workbook/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _refused(file, **kwargs) -> str:
    with pytest.raises(ValidationFailed) as info:
        validate_upload(file, **kwargs)
    message = info.value.errors["file"]
    assert CHINESE.search(message), message
    return message


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_good_files_pass_and_get_a_safe_name():
    for name, data in [
        ("证据.pdf", b"%PDF-1.7\n..."),
        ("伤情.JPG", b"\xff\xd8\xff\xe0rest"),
        ("名单.xlsx", _office("xlsx")),
        ("报告.docx", _office("docx")),
        ("说明.txt", "家暴经过".encode()),
    ]:
        info = validate_upload(_upload(name, data), allowed=EVIDENCE, max_bytes=1024 * 1024)
        assert info.size == len(data)
    info = validate_upload(_upload("../../etc/报告.pdf", b"%PDF-1.4"), allowed=EVIDENCE, max_bytes=1024)
    assert info.name == "报告.pdf"


def test_wrong_type_is_refused_by_extension_and_by_content():
    assert "不支持该文件类型" in _refused(_upload("run.exe", b"MZ\x90\x00"), allowed=EVIDENCE, max_bytes=1024)
    assert "不支持该文件类型" in _refused(_upload("noext", b"%PDF-1.4"), allowed=EVIDENCE, max_bytes=1024)
    # An executable renamed to .pdf, an HTML page renamed to .jpg.
    assert "扩展名不符" in _refused(_upload("证据.pdf", b"MZ\x90\x00\x03"), allowed=EVIDENCE, max_bytes=1024)
    assert "扩展名不符" in _refused(_upload("照片.jpg", b"<html><script>"), allowed=EVIDENCE, max_bytes=1024)
    assert "扩展名不符" in _refused(_upload("a.txt", b"\x00\x01bin"), allowed=EVIDENCE, max_bytes=1024)


def test_oversized_and_empty_files_are_refused():
    assert "文件过大" in _refused(_upload("a.pdf", b"%PDF-" + b"0" * 2048), allowed=EVIDENCE, max_bytes=1024)
    assert "文件为空" in _refused(_upload("a.pdf", b""), allowed=EVIDENCE, max_bytes=1024)


def test_broken_and_fake_archives_are_refused():
    good = _office("xlsx")
    assert "损坏" in _refused(_upload("a.xlsx", good[: len(good) // 2]), allowed=OFFICE, max_bytes=10**6)
    assert "损坏" in _refused(_upload("a.xlsx", b"PK\x03\x04garbage"), allowed=OFFICE, max_bytes=10**6)
    # A zip that is not a spreadsheet, and a workbook renamed to .docx.
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "扩展名不符" in _refused(_upload("a.xlsx", plain.getvalue()), allowed=OFFICE, max_bytes=10**6)
    assert "扩展名不符" in _refused(_upload("a.docx", good), allowed=OFFICE, max_bytes=10**6)


def test_zip_bombs_are_refused_without_being_expanded():
    bomb = _office("xlsx", {"xl/worksheets/sheet1.xml": b"0" * (30 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    assert "压缩炸弹" in _refused(_upload("a.xlsx", bomb), allowed=OFFICE, max_bytes=10**6)


def test_a_refused_upload_leaves_nothing_behind(tmp_path):
    before = sorted(p for p in settings.MEDIA_ROOT.rglob("*")) if settings.MEDIA_ROOT.exists() else []
    source = tmp_path / "upload.xlsx"
    source.write_bytes(b"PK\x03\x04broken")
    with open(source, "rb") as handle:
        _refused(handle, allowed=OFFICE, max_bytes=10**6)
        assert handle.tell() == 0  # rewound for the caller
    after = sorted(p for p in settings.MEDIA_ROOT.rglob("*")) if settings.MEDIA_ROOT.exists() else []
    assert after == before


def test_unknown_kinds_in_allowed_are_a_programming_error():
    with pytest.raises(ValueError):
        validate_upload(_upload("a.pdf", b"%PDF-"), allowed={"pdf", "exe"}, max_bytes=1024)
