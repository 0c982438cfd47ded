"""Checking uploaded materials by their whole content, never by their name or the browser's claim.

- Images (JPEG, PNG) are decoded completely by Pillow and encoded again; what is stored is the new
  file, so a payload hidden in a text chunk, in metadata or after the image's end is gone.
- PDFs are parsed (pypdf) from the header to the last `%%EOF`, with nothing but whitespace after
  it, and refused when they carry JavaScript, launch or other actions that run or fetch things,
  embedded files, or web markup anywhere in the file.
- With CLAMAV_SOCKET set, each file is scanned by ClamAV (clamd's INSTREAM command) and refused
  when a signature is found or the scanner cannot be reached (fail closed).
"""

from __future__ import annotations

import hashlib
import io
import re
import socket
import struct
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

ALLOWED = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
}
# Web markup that a browser or a PDF viewer might act on, anywhere in the file.
MARKUP = re.compile(rb"<\s*(script|html|svg|iframe|object|embed)\b|javascript:", re.IGNORECASE)
# PDF names of actions that run code, start programs, fetch or send data, or carry files.
PDF_DANGEROUS_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/GoToE",
    "/GoToR",
    "/Rendition",
    "/Sound",
    "/Movie",
}
PDF_DANGEROUS_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia", "/XFA"}
PDF_DANGEROUS_SUBTYPES = {"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen"}
MAX_IMAGE_PIXELS = 60_000_000


class UploadRejected(ValueError):
    """The file is not what the portal accepts; the message is Chinese and names the reason."""


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str
    data: bytes  # what to store: the re-encoded image, or the PDF as uploaded


def sniff(head: bytes) -> str | None:
    """The content type from the first bytes (magic numbers), or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def check_upload(data: bytes, *, max_bytes: int, clamav_socket: str = "") -> CheckedUpload:
    """Accept a PDF, JPEG or PNG whose whole content is what it claims; refuse everything else."""
    size = len(data)
    if size == 0:
        raise UploadRejected("文件是空的，请重新选择。")
    if size > max_bytes:
        raise UploadRejected(
            f"文件大小为{size / 1024 / 1024:.1f}MB，超过了{max_bytes // 1024 // 1024}MB的上限，"
            "请压缩或分页后上传。"
        )
    if clamav_socket:
        scan_with_clamav(data, clamav_socket)
    content_type = sniff(data[:16])
    if content_type is None:
        raise UploadRejected("只接受 PDF、JPG 或 PNG 格式的文件；该文件的内容不是这几种格式。")
    if content_type == "application/pdf":
        _check_pdf(data)
        stored = data
    else:
        stored = _reencode_image(data, content_type)
    return CheckedUpload(content_type, len(stored), hashlib.sha256(stored).hexdigest(), stored)


def _check_pdf(data: bytes) -> None:
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise UploadRejected("PDF 文件不完整或已损坏，请重新导出后上传。")
    if data[end + 5 :].strip():
        raise UploadRejected("PDF 文件结尾之后还附有其他内容，请重新导出后上传。")
    if MARKUP.search(data):
        raise UploadRejected("文件中含有网页或脚本内容，不能上传。")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRejected("PDF 文件已加密，请去除密码后上传。")
        if len(reader.pages) == 0:
            raise UploadRejected("PDF 文件没有页面，请重新导出后上传。")
        problem = _pdf_danger(reader)
    except UploadRejected:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise UploadRejected(
            "PDF 文件无法解析，可能已损坏或不是真正的 PDF，请重新导出后上传。"
        ) from exc
    if problem:
        raise UploadRejected(problem)


def _pdf_danger(reader) -> str:
    """Walk every object reachable from the trailer; the first dangerous thing found, or ''."""
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            keys = set(obj.keys())
            if keys & {"/JS", "/JavaScript"} or obj.get("/S") == "/JavaScript":
                return "PDF 文件中含有 JavaScript 脚本，不能上传；请另存为普通 PDF 后上传。"
            if obj.get("/S") == "/Launch":
                return "PDF 文件中含有启动外部程序的动作，不能上传。"
            if keys & {"/EmbeddedFiles", "/EmbeddedFile"} or obj.get("/Type") == "/EmbeddedFile":
                return "PDF 文件中嵌入了其他文件，不能上传；请将材料分别上传。"
            if obj.get("/Subtype") in PDF_DANGEROUS_SUBTYPES or keys & PDF_DANGEROUS_KEYS:
                return "PDF 文件中含有附件、多媒体或表单脚本，不能上传；请另存为普通 PDF 后上传。"
            if obj.get("/S") in PDF_DANGEROUS_ACTIONS:
                return "PDF 文件中含有会自动执行或访问外部的动作，不能上传。"
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
        if len(seen) > 200_000:
            return "PDF 文件结构过于复杂，无法检查，请重新导出后上传。"
    return ""


def _reencode_image(data: bytes, content_type: str) -> bytes:
    expected = ALLOWED[content_type]
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                raise UploadRejected("图片的实际格式与文件内容不符，请重新保存为 JPG 或 PNG。")
            image.load()  # decode every pixel: a truncated or forged file fails here
            picture = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if expected == "JPEG":
                if picture.mode not in ("RGB", "L", "CMYK"):
                    picture = picture.convert("RGB")
                picture.save(out, format="JPEG", quality=90, optimize=True)
            else:
                picture.save(out, format="PNG", optimize=True)
    except UploadRejected:
        raise
    except Image.DecompressionBombError as exc:
        raise UploadRejected("图片尺寸过大，请缩小后上传。") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UploadRejected("图片文件已损坏或不是有效的图片，请重新选择。") from exc
    return out.getvalue()


def scan_with_clamav(data: bytes, address: str, *, timeout: float = 30.0) -> None:
    """Scan with clamd's INSTREAM command; refuse on a signature or when clamd cannot answer.

    `address`: a Unix socket path, or `host:port` for TCP.
    """
    try:
        if ":" in address and not address.startswith("/"):
            host, port = address.rsplit(":", 1)
            conn = socket.create_connection((host, int(port)), timeout=timeout)
        else:
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.settimeout(timeout)
            conn.connect(address)
        with conn:
            conn.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), 65536):
                chunk = data[start : start + 65536]
                conn.sendall(struct.pack("!L", len(chunk)) + chunk)
            conn.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = conn.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as exc:
        raise UploadRejected("病毒扫描服务暂时不可用，文件未保存，请稍后再上传。") from exc
    answer = reply.rstrip(b"\0").decode("utf-8", "replace")
    if answer.endswith("FOUND"):
        raise UploadRejected("文件未通过病毒扫描，不能上传。")
    if not answer.endswith("OK"):
        raise UploadRejected("病毒扫描服务暂时不可用，文件未保存，请稍后再上传。")
