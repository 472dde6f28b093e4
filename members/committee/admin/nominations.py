"""Calls for nominations and nominations: accept, decline with a reason, appoint."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from members.committee import errors as committee_errors
from members.committee.forms import DeclineForm
from members.committee.models import (
    CallRole,
    Nomination,
    NominationAnswer,
    NominationCall,
    NominationQuestion,
)
from members.committee.services import nominations
from members.membership import MembershipError, membership_verify
from members.models import AssociationMembership


class CallRoleInline(admin.TabularInline):
    model = CallRole
    extra = 1


class NominationQuestionInline(admin.TabularInline):
    model = NominationQuestion
    extra = 1


@admin.register(NominationCall)
class NominationCallAdmin(admin.ModelAdmin):
    list_display = ["title", "opens_at", "closes_at", "word_limit", "nomination_count", "public_page"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title"]
    inlines = [CallRoleInline, NominationQuestionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_nominations=Count("nominations", filter=~Q(nominations__status=Nomination.Status.WITHDRAWN))
            )
        )

    @admin.display(description="nominations", ordering="active_nominations")
    def nomination_count(self, obj):
        url = reverse("admin:committee_nomination_changelist") + f"?call__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.active_nominations)

    @admin.display(description="page")
    def public_page(self, obj):
        return format_html('<a href="{}">View</a>', obj.get_absolute_url())


class NominationAnswerInline(admin.TabularInline):
    model = NominationAnswer
    extra = 0
    can_delete = False
    fields = ["question", "answer"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    """Nominations are the nominee's words: officers review them through actions, never edit them."""

    list_display = ["nominee", "role", "call", "status", "word_count", "proof", "created_at"]
    list_filter = ["call", "role", "status", "proof_kind"]
    search_fields = ["nominee__name", "nominee__email", "statement"]
    inlines = [NominationAnswerInline]
    fields = [
        "call",
        "role",
        "nominee",
        "status",
        "statement",
        "word_count",
        "proof_kind",
        "proof",
        "membership_claim",
        "decline_reason",
        "reviewed_by",
        "reviewed_at",
        "appointment",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    actions = ["accept", "decline", "appoint"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_review()

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        verify = path(
            "<int:pk>/verify-membership/",
            self.admin_site.admin_view(self.verify_membership_view),
            name="committee_nomination_verify_membership",
        )
        return [verify, *super().get_urls()]

    @admin.display(description="association membership")
    def membership_claim(self, obj):
        """The nominee's claim beside the nomination, with a button to verify it (which moves the nomination on)."""
        claim = AssociationMembership.objects.select_related("organisation").filter(user=obj.nominee_id).first()
        if claim is None or claim.kind == AssociationMembership.Kind.NONE:
            return "No membership claimed."
        what = claim.get_kind_display()
        if claim.membership_number:
            what += f", number {claim.membership_number}"
        if claim.organisation:
            what += f", through {claim.organisation}"
        summary = format_html("{} ({})", what, claim.get_status_display())
        if claim.status == AssociationMembership.Status.VERIFIED:
            return summary
        url = reverse("admin:committee_nomination_verify_membership", args=[obj.pk])
        # The change page is itself one form: the button posts it (with its CSRF token) to the verify address.
        return format_html(
            '{}<br><button type="submit" class="button" formaction="{}" formmethod="post" formnovalidate>'
            "Verify membership{}</button>"
            '<div class="help">Check the number and the uploaded proof first. Verifying tells the member by email'
            "{}.</div>",
            summary,
            url,
            " and move the nomination on" if obj.status == Nomination.Status.AWAITING_MEMBERSHIP else "",
            " and moves this nomination on to review" if obj.status == Nomination.Status.AWAITING_MEMBERSHIP else "",
        )

    def verify_membership_view(self, request, pk):
        nomination = get_object_or_404(Nomination.objects.select_related("nominee"), pk=pk)
        change_url = reverse("admin:committee_nomination_change", args=[pk])
        if request.method != "POST":
            return redirect(change_url)
        if not request.user.has_perm("members.change_associationmembership"):
            raise PermissionDenied("Only officers who verify memberships can do this.")
        claim = AssociationMembership.objects.filter(user=nomination.nominee).first()
        if claim is None:
            self.message_user(request, f"{nomination.nominee} has not claimed a membership.", messages.ERROR)
            return redirect(change_url)
        try:
            membership_verify(membership=claim, officer=request.user)
        except MembershipError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            nomination.refresh_from_db()
            self.message_user(
                request,
                f"{nomination.nominee}'s membership is verified; this nomination is now "
                f"{nomination.get_status_display().lower()}. The member has been emailed.",
            )
        return redirect(change_url)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="proof of membership")
    def proof(self, obj):
        if obj.proof_file:
            return format_html(
                '<a href="{}">Download the uploaded proof</a>',
                reverse("committee:nomination-proof", args=[obj.pk]),
            )
        return obj.get_proof_kind_display()

    def _each(self, request, queryset, service, verb, **kwargs):
        done = 0
        for nomination in queryset:
            try:
                service(nomination=nomination, by=request.user, **kwargs)
                done += 1
            except committee_errors.NominationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
        if done:
            self.message_user(request, f"{verb} {done} nomination(s); each nominee has been emailed.")

    @admin.action(description="Accept as candidate (emails the nominee)", permissions=["change"])
    def accept(self, request, queryset):
        self._each(request, queryset, nominations.nomination_accept, "Accepted")

    @admin.action(description="Decline with a reason (emails the nominee)", permissions=["change"])
    def decline(self, request, queryset):
        form = DeclineForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            self._each(
                request,
                queryset,
                nominations.nomination_decline,
                "Declined",
                reason=form.cleaned_data["reason"],
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Decline nominations",
            "form": form,
            "queryset": queryset,
            "action": "decline",
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "members/committee/admin/action_form.html", context)

    @admin.action(
        description="Appoint: uncontested candidates or election winners (creates appointments)", permissions=["change"]
    )
    def appoint(self, request, queryset):
        try:
            made = nominations.nominations_appoint(nominations=list(queryset), by=request.user)
        except (committee_errors.NominationError, ValidationError) as exc:
            self.message_user(request, f"Nobody was appointed. {exc}", messages.ERROR)
            return
        self.message_user(
            request,
            "Appointed " + ", ".join(f"{a.holder_name} as {a.role} until {a.ends_on:%-d %B %Y}" for a in made) + ".",
        )
