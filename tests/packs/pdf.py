import subprocess


def pdf_text(path, layout: bool = True) -> str:
    """The text of a PDF, as poppler's pdftotext reads it: in layout order, or (layout=False)
    in reading order, where a table cell's wrapped lines stay together whatever the widths."""
    result = subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def normalise(text: str) -> str:
    return " ".join(text.split())
