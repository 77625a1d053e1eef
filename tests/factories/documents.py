"""Documents built at test time: small valid files and the hostile ones an upload must survive.

Nothing binary is committed; each function builds its bytes in memory and stays cheap to call.
"""

from __future__ import annotations

import io
import zipfile

import docx
import pikepdf
from PIL import Image


def make_docx(paragraphs: list[str]) -> bytes:
    """A Word document holding the given paragraphs."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(lines: list[str], pages: int = 1) -> bytes:
    """A PDF with real text: the given lines (Latin-1) on each of `pages` pages, in Helvetica."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    for _ in range(pages):
        body = ["BT", "/F1 11 Tf", "14 TL", "72 760 Td"]
        for line in lines:
            body.append(f"({_escape(line)}) Tj T*")
        body.append("ET")
        content = pikepdf.Stream(pdf, "\n".join(body).encode("latin-1"))
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 612, 792],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_indirect(content),
        )
        pdf.pages.append(pikepdf.Page(page))
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def make_encrypted_pdf(password: str = "secret") -> bytes:
    """A PDF that cannot be opened without a password."""
    document = pikepdf.open(io.BytesIO(make_pdf(["Jane Doe", "jane@example.com"])))
    buffer = io.BytesIO()
    document.save(buffer, encryption=pikepdf.Encryption(user=password, owner=password + "-owner"))
    return buffer.getvalue()


def make_png(width: int = 60, height: int = 40) -> bytes:
    image = Image.new("RGB", (width, height), "white")
    for x in range(10, width - 10):
        image.putpixel((x, height // 2), (0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def make_scanned_pdf() -> bytes:
    """An image-only PDF, as a scanner makes: a picture of a page and no text layer."""
    image = Image.new("RGB", (300, 400), "white")
    for y in range(40, 360, 20):
        for x in range(30, 270):
            image.putpixel((x, y), (0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PDF")
    return buffer.getvalue()


def make_truncated_pdf() -> bytes:
    """A PDF cut off part-way, as a failed download leaves it."""
    data = make_pdf(["Jane Doe", "jane@example.com"])
    return data[: len(data) // 3]


def make_corrupt_docx() -> bytes:
    """A zip whose word/document.xml is not XML."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "this is not xml <<<")
    return buffer.getvalue()


def make_zip(names: tuple[str, ...] = ("notes.txt",)) -> bytes:
    """An ordinary zip archive that is not a Word document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(name, "hello")
    return buffer.getvalue()


def make_docx_bomb(expanded_mb: int = 120) -> bytes:
    """A DOCX-shaped zip whose document.xml inflates from a few hundred KB to `expanded_mb` megabytes.

    Zeros are streamed into the archive, so building it never holds the expanded data in memory.
    """
    buffer = io.BytesIO()
    chunk = b"0" * (1 << 20)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(expanded_mb):
                member.write(chunk)
    return buffer.getvalue()
