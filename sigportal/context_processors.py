from django.conf import settings


def site(request):
    """The group's names for every template: the layout, page titles and the footer rely on them."""
    return {
        "SIG_NAME": settings.SIG_NAME,
        "SIG_SHORT_NAME": settings.SIG_SHORT_NAME,
        "ASSOCIATION_NAME": settings.ASSOCIATION_NAME,
        "ASSOCIATION_URL": settings.ASSOCIATION_URL,
    }


def shared_fragments(request):
    """`fragment_version` and `fragment_seconds` for the `{% cache %}` fragments members share (see page_cache)."""
    from sigportal.page_cache import FragmentVersion

    return {"fragment_version": FragmentVersion(request), "fragment_seconds": settings.PAGE_CACHE_SECONDS}
