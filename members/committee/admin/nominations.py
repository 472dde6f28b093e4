"""Calls for nominations and nominations: accept, decline with a reason, appoint."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from members.admin_people import person_label
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

# Which buttons a nomination's page offers, by its status (the services refuse the rest anyway).
ACCEPTABLE = {Nomination.Status.SUBMITTED, Nomination.Status.DECLINED}
DECLINABLE = {Nomination.Status.SUBMITTED, Nomination.Status.ACCEPTED}
APPOINTABLE = {Nomination.Status.ACCEPTED, Nomination.Status.ELECTED}


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

    # The call is a filter, not a column: with it the list was cut off at 1280 px (proof and date hidden).
    list_display = ["nominee_display", "role", "status", "word_count_short", "proof_short", "submitted"]
    list_display_links = ["nominee_display"]
    list_filter = ["status", "call", "role", "proof_kind"]
    search_fields = ["nominee__name", "nominee__email", "statement"]
    inlines = [NominationAnswerInline]
    fields = [
        "call",
        "role",
        "nominee",
        "nominee_contact",
        "status",
        "statement",
        "word_count",
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

    @admin.display(description="nominee", ordering="nominee__name")
    def nominee_display(self, obj):
        # Two members may share a name: the email tells them apart.
        return format_html('{}<span class="quiet-line">{}</span>', obj.nominee.name, obj.nominee.email)

    @admin.display(description="email and organisation")
    def nominee_contact(self, obj):
        return person_label(obj.nominee)

    @admin.display(description="proof")
    def proof_short(self, obj):
        if obj.proof_file:
            return format_html('<a href="{}">Download</a>', reverse("committee:nomination-proof", args=[obj.pk]))
        return "Verified membership" if obj.proof_kind == Nomination.Proof.VERIFIED else obj.get_proof_kind_display()

    @admin.display(description="words", ordering="word_count")
    def word_count_short(self, obj):
        return obj.word_count

    @admin.display(description="submitted", ordering="created_at")
    def submitted(self, obj):
        return timezone.localtime(obj.created_at).strftime("%-d %b %Y")

    # --- Deciding on one nomination from its own page ------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<int:pk>/verify-membership/",
                self.admin_site.admin_view(self.verify_membership_view),
                name="committee_nomination_verify_membership",
            ),
            path(
                "<path:object_id>/decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="committee_nomination_decide",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        nomination = self.get_object(request, object_id)
        decisions = {}
        if nomination is not None and self.has_change_permission(request, nomination):
            decisions = {
                "can_accept": nomination.status in ACCEPTABLE,
                "can_decline": nomination.status in DECLINABLE,
                "can_appoint": nomination.status in APPOINTABLE,
                "decline_form": DeclineForm(),
            }
        # Nothing on the page is edited through the form: deciding is done with the buttons above it.
        decisions.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **decisions})

    def decide_view(self, request, object_id, decision):
        """Accept, decline (with a reason) or appoint: a POST from the nomination's page, by the services."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        nomination = self.get_object(request, object_id)
        if nomination is None:
            raise Http404("No such nomination.")
        if not self.has_change_permission(request, nomination):
            raise PermissionDenied
        page = reverse("admin:committee_nomination_change", args=[nomination.pk])
        try:
            if decision == "accept":
                nominations.nomination_accept(nomination=nomination, by=request.user)
                self.message_user(request, f"Accepted {nomination.nominee} as a candidate; they have been emailed.")
            elif decision == "decline":
                form = DeclineForm(request.POST)
                if not form.is_valid():
                    self.message_user(request, "Give a reason to decline: the nominee is told it.", messages.ERROR)
                    return HttpResponseRedirect(page)
                nominations.nomination_decline(
                    nomination=nomination, by=request.user, reason=form.cleaned_data["reason"]
                )
                self.message_user(request, f"Declined the nomination of {nomination.nominee}; they have been emailed.")
            elif decision == "appoint":
                made = nominations.nominations_appoint(nominations=[nomination], by=request.user)
                self.message_user(
                    request,
                    "Appointed "
                    + ", ".join(f"{a.holder_name} as {a.role} until {a.ends_on:%-d %B %Y}" for a in made)
                    + ".",
                )
            else:
                raise Http404("No such decision.")
        except (committee_errors.NominationError, ValidationError) as exc:
            self.message_user(request, f"Nothing was changed. {exc}", messages.ERROR)
        else:
            self.log_change(request, nomination, f"{decision.capitalize()} from the nomination's page.")
        return HttpResponseRedirect(page)

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
