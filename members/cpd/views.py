"""Portfolio pages: the member's own portfolio, editing entries, exports, and the pages behind share links."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from members.cpd import selectors, services
from members.cpd.errors import PortfolioError
from members.cpd.forms import EntryForm, ReflectionForm, ShareLinkForm
from members.cpd.models import Entry, ShareLink
from members.cpd.pdf import pdf_unavailable_reason, portfolio_pdf
from members.cpd.sources import portfolio_sync


@login_required
def portfolio(request):
    """/portfolio/: the summary, the three-year view, every entry, exports and share links."""
    portfolio_sync(request.user)
    context = {
        **selectors.portfolio(request.user),
        "pdf_unavailable": pdf_unavailable_reason(),
        "share_form": ShareLinkForm(),
    }
    return render(request, "members/cpd/portfolio.html", context)


def _apply_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def entry_add(request):
    form = EntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.entry_create(
                user=request.user,
                evidence=data.get("evidence") or None,
                **{k: data[k] for k in services.OWN_FIELDS},
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"“{data['title']}” is in your portfolio.")
            return redirect("cpd:portfolio")
    status = 400 if request.method == "POST" else 200
    return render(request, "members/cpd/entry_form.html", {"form": form, "entry": None}, status=status)


@login_required
def entry_edit(request, pk):
    """Own entries: everything can change. Recorded entries: only the reflection and the areas."""
    entry = get_object_or_404(Entry, pk=pk, user=request.user)
    if entry.is_recorded:
        initial = {"reflection": entry.reflection, "areas": entry.areas, "specialist_area": entry.specialist_area}
        form = ReflectionForm(request.POST or None, initial=initial)
    else:
        form = EntryForm(request.POST or None, request.FILES or None, instance=entry)
        form.initial.update(areas=entry.areas, specialist_area=entry.specialist_area, reflection=entry.reflection)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = services.REFLECTION_FIELDS if entry.is_recorded else services.OWN_FIELDS
        evidence = data.get("evidence")
        try:
            services.entry_update(
                entry=Entry.objects.get(pk=entry.pk),
                evidence=evidence if evidence and hasattr(evidence, "content_type") else None,
                remove_evidence=evidence is False,
                **{k: data[k] for k in fields},
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PortfolioError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"“{entry.title}” is updated.")
            return redirect("cpd:portfolio")
    status = 400 if request.method == "POST" else 200
    return render(request, "members/cpd/entry_form.html", {"form": form, "entry": entry}, status=status)


@login_required
@require_POST
def entry_delete(request, pk):
    entry = get_object_or_404(Entry, pk=pk, user=request.user)
    try:
        services.entry_delete(entry=entry)
    except PortfolioError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"“{entry.title}” is deleted from your portfolio.")
    return redirect("cpd:portfolio")


@login_required
def entry_evidence(request, pk):
    """An entry's evidence file: its owner only, never a public URL."""
    entry = get_object_or_404(Entry, pk=pk, user=request.user)
    if not entry.evidence:
        raise Http404("No evidence file was added to this entry.")
    response = FileResponse(
        entry.evidence.open("rb"), as_attachment=True, filename=entry.evidence.name.rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_json(request):
    portfolio_sync(request.user)
    data = selectors.portfolio_as_data(request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, cls=DjangoJSONEncoder, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="cpd-portfolio-{timezone.localdate():%Y-%m-%d}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_pdf(request):
    reason = pdf_unavailable_reason()
    if reason:
        return render(request, "members/cpd/pdf_unavailable.html", {"reason": reason}, status=503)
    portfolio_sync(request.user)
    pdf = portfolio_pdf(selectors.portfolio(request.user), base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="cpd-portfolio-{timezone.localdate():%Y-%m-%d}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def share_create(request):
    form = ShareLinkForm(request.POST)
    if form.is_valid():
        link = services.share_link_create(user=request.user, label=form.cleaned_data["label"])
        messages.success(
            request,
            "A new share link is ready. Anyone with it can read your portfolio (not your evidence files) "
            "until you revoke it: " + request.build_absolute_uri(link_url(link)),
        )
    return redirect("cpd:portfolio")


@login_required
@require_POST
def share_revoke(request, pk):
    link = get_object_or_404(ShareLink, pk=pk, user=request.user)
    services.share_link_revoke(link=link)
    messages.success(request, "The share link is revoked: it no longer opens your portfolio.")
    return redirect("cpd:portfolio")


def link_url(link):
    return reverse("cpd:shared", args=[link.token])


def shared(request, token):
    """/portfolio/shared/<token>/: a read-only copy for whoever the member gave the link to."""
    owner = selectors.shared_portfolio_owner(token)
    if owner is None:
        return render(request, "members/cpd/shared_gone.html", status=404)
    portfolio_sync(owner)
    response = render(request, "members/cpd/shared.html", selectors.portfolio(owner))
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL: never pass it on to a linked site
    return response
