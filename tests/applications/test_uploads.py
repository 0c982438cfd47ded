"""Uploaded materials are judged by their whole content, not their name or the browser's claim
(issue 16, item 5): images decoded and encoded again, PDFs parsed and refused with scripts,
launch actions or embedded files, ClamAV when CLAMAV_SOCKET is set."""

from __future__ import annotations

import io
import socket
import struct
import threading
import zlib

import pytest
from PIL import Image, PngImagePlugin
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from applications.uploads import UploadRejected, check_upload

pytestmark = pytest.mark.unit
LIMIT = 1024 * 1024
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def png_bytes(info=None) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buffer, format="JPEG")
    return buffer.getvalue()


def pdf_bytes(build=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if build:
        build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = pdf_bytes()


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(PDF, "application/pdf"), (png_bytes(), "image/png"), (jpeg_bytes(), "image/jpeg")],
)
def test_real_files_are_accepted(data, content_type):
    checked = check_upload(data, max_bytes=LIMIT)
    assert checked.content_type == content_type
    assert checked.size == len(checked.data)
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


# -- images: decoded whole and encoded again --------------------------------------------------


def test_svg_onload_in_a_png_text_chunk_is_not_stored():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<svg onload=alert(document.cookie)>" + "x" * 5000)
    data = png_bytes(info)
    assert b"<svg onload" in data
    checked = check_upload(data, max_bytes=LIMIT)
    assert b"<svg" not in checked.data and b"onload" not in checked.data
    with Image.open(io.BytesIO(checked.data)) as image:
        assert image.size == (20, 20) and image.getpixel((3, 3)) == (255, 0, 0)


@pytest.mark.parametrize("make", [png_bytes, jpeg_bytes])
def test_a_payload_after_the_image_is_gone(make):
    payload = b"PK\x03\x04" + b"<html><body>hidden</body></html>" * 200
    checked = check_upload(make() + payload, max_bytes=LIMIT)
    assert b"hidden" not in checked.data and b"PK\x03\x04" not in checked.data


def test_a_truncated_image_is_refused():
    data = jpeg_bytes()
    with pytest.raises(UploadRejected, match="图片文件已损坏"):
        check_upload(data[: len(data) // 2], max_bytes=LIMIT)


# -- PDFs: parsed whole --------------------------------------------------------------------


def test_html_after_the_first_4_kb_of_a_pdf_is_refused():
    body = PDF.replace(b"%%EOF", b"")
    data = body + b"%" + b" " * 5000 + b"\n<html><body onload=alert(1)>x</body></html>\n%%EOF\n"
    with pytest.raises(UploadRejected, match="网页或脚本"):
        check_upload(data, max_bytes=LIMIT)


def test_anything_after_the_end_of_a_pdf_is_refused():
    with pytest.raises(UploadRejected, match="结尾之后还附有其他内容"):
        check_upload(PDF + b"MZ\x90\x00" + b"\x00" * 100, max_bytes=LIMIT)


def test_an_exe_behind_a_pdf_header_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(range(256)) * 20
    with pytest.raises(UploadRejected, match=r"无法解析|没有页面"):
        check_upload(b"%PDF-1.7\n" + exe + b"\n%%EOF\n", max_bytes=LIMIT)


def _open_action(kind: str, **entries):
    def build(writer):
        action = DictionaryObject({NameObject("/S"): NameObject(kind)})
        for key, value in entries.items():
            action[NameObject("/" + key)] = value
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)

    return build


def _link_annotation(writer):
    """A link on the page whose action is JavaScript (runs on a click, not at opening)."""
    from pypdf.generic import ArrayObject

    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x")}
    )
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/A"): action,
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (_open_action("/JavaScript", JS=TextStringObject("app.alert(1)")), "JavaScript"),
        (_open_action("/Launch", F=TextStringObject("cmd.exe")), "启动外部程序"),
        (_open_action("/SubmitForm", F=TextStringObject("http://x")), "自动执行或访问外部"),
        (lambda w: w.add_attachment("evil.exe", b"MZ\x90\x00"), "嵌入了其他文件"),
        (_link_annotation, "JavaScript"),
    ],
)
def test_pdfs_with_scripts_launch_actions_or_embedded_files_are_refused(build, message):
    data = pdf_bytes(build)
    with pytest.raises(UploadRejected, match=message):
        check_upload(data, max_bytes=LIMIT)


def test_a_javascript_name_hidden_by_hex_escapes_and_compression_is_still_found():
    """/J#61vaScript is /JavaScript to a reader; inside a compressed object stream raw bytes
    show nothing -- the parse finds it."""
    stream = (
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /JS (app.alert(3)) >> >>"
    )
    parts = [b"%PDF-1.5\n"]
    offsets = {}

    def obj(num, body):
        offsets[num] = sum(len(p) for p in parts)
        parts.append(b"%d 0 obj\n" % num + body + b"\nendobj\n")

    packed = zlib.compress(b"1 0 " + stream)
    obj(2, b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>")
    obj(3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>")
    obj(
        4,
        b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
        + packed
        + b"\nendstream",
    )
    xref_at = sum(len(p) for p in parts)
    rows = [b"\x00\x00\x00\xff\xff", b"\x02\x00\x04\x00\x00"]
    rows += [b"\x01" + struct.pack(">H", offsets[n]) + b"\x00\x00" for n in (2, 3, 4)]
    rows.append(b"\x01" + struct.pack(">H", xref_at) + b"\x00\x00")
    xref = zlib.compress(b"".join(rows))
    parts.append(
        b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 2 2] /Root 1 0 R /Filter /FlateDecode /Length %d >>"
        b"\nstream\n" % len(xref) + xref + b"\nendstream\nendobj\n"
    )
    parts.append(b"startxref\n%d\n%%%%EOF\n" % xref_at)
    data = b"".join(parts)
    assert b"JavaScript" not in data and b"J#61vaScript" not in data
    with pytest.raises(UploadRejected, match="JavaScript"):
        check_upload(data, max_bytes=LIMIT)


# -- ClamAV ---------------------------------------------------------------------------------


class FakeClamd:
    """A small clamd on a Unix socket speaking the real INSTREAM protocol (clamd(8)): the
    portal's client is tested against the wire format. clamd itself cannot run here (no
    signature database without the internet), so this one knows one signature, EICAR."""

    def __init__(self, path):
        self.path = str(path)
        self.scanned: list[bytes] = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(4)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read(self, conn, n):
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise ConnectionError
            data += part
        return data

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                command = b""
                while not command.endswith(b"\0"):
                    command += self._read(conn, 1)
                assert command == b"zINSTREAM\0"
                body = b""
                while True:
                    (length,) = struct.unpack("!L", self._read(conn, 4))
                    if length == 0:
                        break
                    body += self._read(conn, length)
                self.scanned.append(body)
                if EICAR in body:
                    conn.sendall(b"stream: Eicar-Test-Signature FOUND\0")
                else:
                    conn.sendall(b"stream: OK\0")

    def close(self):
        self.server.close()


@pytest.fixture
def clamd(tmp_path):
    fake = FakeClamd(tmp_path / "clamd.sock")
    yield fake
    fake.close()


def test_eicar_is_refused_when_clamav_is_on(clamd):
    with pytest.raises(UploadRejected, match="未通过病毒扫描"):
        check_upload(EICAR, max_bytes=LIMIT, clamav_socket=clamd.path)
    assert clamd.scanned == [EICAR]


def test_a_clean_file_is_scanned_whole_and_accepted(clamd):
    big = pdf_bytes(lambda w: w.add_metadata({"/Title": "x" * 200_000}))
    assert check_upload(big, max_bytes=LIMIT, clamav_socket=clamd.path).content_type
    assert clamd.scanned == [big]  # every byte went to the scanner, in several chunks


def test_an_unreachable_scanner_refuses_the_file(tmp_path):
    with pytest.raises(UploadRejected, match="病毒扫描服务暂时不可用"):
        check_upload(PDF, max_bytes=LIMIT, clamav_socket=str(tmp_path / "none.sock"))
