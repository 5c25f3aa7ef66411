"""Reading ticket images the way door scanners do: with zbar (Debian's zbar-tools)."""

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from PIL import Image


def _tool(name: str, package: str) -> str:
    """The tool's path; without it the test is skipped locally and fails in CI."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing: CI must install Debian's {package}")
        pytest.skip(f"no {name} (apt-get install {package})")
    return path


def read_codes(image: bytes) -> list[str]:
    """Every code zbar finds in a PNG, as "QR-Code:<text>" (the symbology, then the text)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "image.png"
        path.write_bytes(image)
        return _zbarimg(path)


def read_pdf_codes(pdf: bytes) -> list[str]:
    """Every code zbar finds on the pages of a PDF, printed at 150 dpi as a PNG per page."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "ticket.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                _tool("pdftoppm", "poppler-utils"),
                "-r",
                "150",
                "-png",
                str(source),
                str(Path(folder) / "page"),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        pages = sorted(Path(folder).glob("page*.png"))
        assert pages, "pdftoppm printed no page"
        return [code for page in pages for code in _zbarimg(page)]


def _zbarimg(path: Path) -> list[str]:
    result = subprocess.run(
        [_tool("zbarimg", "zbar-tools"), "--quiet", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # 0: codes found; 4: none found. Anything else is zbar failing, not an unreadable code.
    if result.returncode not in (0, 4):
        pytest.fail(f"zbarimg failed ({result.returncode}): {result.stderr}")
    return result.stdout.splitlines()


def quiet_zone_modules(image: bytes, scale: int) -> int:
    """How many modules of white surround the symbol in a QR PNG drawn at `scale` px/module."""
    picture = Image.open(io.BytesIO(image)).convert("L")
    width, height = picture.size
    pixels = picture.load()
    dark = [(x, y) for y in range(height) for x in range(width) if pixels[x, y] < 128]
    left = min(x for x, _y in dark)
    top = min(y for _x, y in dark)
    right = width - 1 - max(x for x, _y in dark)
    bottom = height - 1 - max(y for _x, y in dark)
    return min(left, top, right, bottom) // scale
