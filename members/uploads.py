"""Documents people upload as evidence (proof of membership, CPD evidence): what a file really is, by its content."""

from django.core.exceptions import ValidationError

# The file's first bytes, not its name: a renamed executable is not a PDF.
DOCUMENT_SIGNATURES = {"pdf": b"%PDF-", "png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff"}
DOCUMENT_EXTENSIONS = {"pdf": {"pdf"}, "png": {"png"}, "jpeg": {"jpg", "jpeg"}}


def check_document(upload, *, max_mb, refusal):
    """The upload's kind ("pdf", "png" or "jpeg"), or ValidationError: too large, or `refusal` when it is not one."""
    if upload.size > max_mb * 1024 * 1024:
        raise ValidationError(
            f"The file is {upload.size / (1024 * 1024):.1f} MB; the limit is {max_mb} MB. Try a smaller scan or a PDF."
        )
    head = upload.read(16)
    upload.seek(0)
    ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    for kind, signature in DOCUMENT_SIGNATURES.items():
        if head.startswith(signature) and ext in DOCUMENT_EXTENSIONS[kind]:
            return kind
    raise ValidationError(refusal)
