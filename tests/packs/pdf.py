import subprocess


def pdf_text(path) -> str:
    """The text of a PDF, as poppler's pdftotext reads it (layout order)."""
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def normalise(text: str) -> str:
    return " ".join(text.split())
