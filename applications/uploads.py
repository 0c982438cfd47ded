"""Checking uploaded materials by their content, never by their name or the browser's claim."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

ALLOWED = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
}


class UploadRejected(ValueError):
    """The file is not what the portal accepts; the message is Chinese and names the reason."""


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str


def sniff(head: bytes) -> str | None:
    """The content type from the first bytes (magic numbers), or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def check_upload(data: bytes, *, max_bytes: int) -> CheckedUpload:
    """Accept a PDF, JPEG or PNG whose content is what it claims; refuse everything else."""
    size = len(data)
    if size == 0:
        raise UploadRejected("文件是空的，请重新选择。")
    if size > max_bytes:
        raise UploadRejected(
            f"文件大小为{size / 1024 / 1024:.1f}MB，超过了{max_bytes // 1024 // 1024}MB的上限，"
            "请压缩或分页后上传。"
        )
    content_type = sniff(data[:16])
    if content_type is None:
        raise UploadRejected("只接受 PDF、JPG 或 PNG 格式的文件；该文件的内容不是这几种格式。")
    if content_type == "application/pdf":
        if b"%%EOF" not in data[-2048:]:
            raise UploadRejected("PDF 文件不完整或已损坏，请重新导出后上传。")
    else:
        _verify_image(data, content_type)
    lowered = data[:4096].lower()
    if b"<script" in lowered or b"<html" in lowered:
        raise UploadRejected("文件中含有网页或脚本内容，不能上传。")
    return CheckedUpload(content_type, size, hashlib.sha256(data).hexdigest())


def _verify_image(data: bytes, content_type: str) -> None:
    from PIL import Image, UnidentifiedImageError

    expected = ALLOWED[content_type]
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                raise UploadRejected("图片的实际格式与文件内容不符，请重新保存为 JPG 或 PNG。")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise UploadRejected("图片文件已损坏或不是有效的图片，请重新选择。") from exc
