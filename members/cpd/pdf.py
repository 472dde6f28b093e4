"""
The portfolio as a PDF, by weasyprint. weasyprint needs Debian's pango at run time (`make install-pdf`); where it is
missing the portal still runs and the portfolio page says PDF export is unavailable rather than failing.
"""

from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string


@lru_cache(maxsize=1)
def pdf_unavailable_reason():
    """Why PDFs cannot be made here (None when they can). Imported once: loading pango is slow."""
    try:
        import weasyprint  # noqa: F401  (imported here so a missing pango does not stop the portal starting)
    except (ImportError, OSError) as exc:
        return f"PDF export is unavailable on this server (weasyprint or pango is not installed: {exc})."
    return None


def portfolio_pdf(context, base_url):
    """The portfolio rendered for paper: A4, its own print stylesheet, page numbers."""
    import weasyprint

    html = render_to_string("members/cpd/portfolio_pdf.html", {"SIG_NAME": settings.SIG_NAME, **context})
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()
