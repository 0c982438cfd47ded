"""Uploaded materials are judged by their content, not their name or the browser's claim."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from applications.uploads import UploadRejected, check_upload

pytestmark = pytest.mark.unit
LIMIT = 1024 * 1024


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buffer, format="JPEG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(PDF, "application/pdf"), (png_bytes(), "image/png"), (jpeg_bytes(), "image/jpeg")],
)
def test_real_files_are_accepted(data, content_type):
    checked = check_upload(data, max_bytes=LIMIT)
    assert checked.content_type == content_type
    assert checked.size == len(data)
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "只接受 PDF、JPG 或 PNG"),
        (b"#!/bin/sh\nrm -rf /\n", "只接受 PDF、JPG 或 PNG"),
        (b"", "文件是空的"),
        (b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>", "图片文件已损坏"),
        (b"%PDF-1.4\n<html><script>alert(1)</script>", "PDF 文件不完整"),
        (b"%PDF-1.4\n<script>x</script>\n%%EOF", "网页或脚本"),
    ],
)
def test_what_is_not_what_it_claims_is_refused(data, message):
    with pytest.raises(UploadRejected, match=message):
        check_upload(data, max_bytes=LIMIT)


def test_too_large_is_refused_with_the_limit():
    with pytest.raises(UploadRejected, match="超过了1MB的上限"):
        check_upload(PDF + b"0" * LIMIT, max_bytes=LIMIT)


def test_a_png_named_jpeg_is_judged_by_content():
    assert check_upload(png_bytes(), max_bytes=LIMIT).content_type == "image/png"
