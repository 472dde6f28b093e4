"""Elections: results after the close, declaring winners, resolving a tie with a reason."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils.html import format_html, format_html_join

from members.committee import errors as committee_errors
from members.committee import selectors
from members.committee.forms import ResolveTieForm
from members.committee.models import (
    Election,
)
from members.committee.services import elections


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["role", "call", "opens_at", "closes_at", "seats", "turnout", "winners_declared_at"]
    list_filter = ["call", "role"]
    actions = ["declare_winners"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("call", "role")
            .annotate(
                roll_size=Count("roll", distinct=True),
                voted=Count("roll", filter=Q(roll__voted_at__isnull=False), distinct=True),
            )
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["call", "role", "method", "opens_at", "closes_at"]
        return [
            "call",
            "role",
            "method",
            "seats",
            "opens_at",
            "closes_at",
            "results",
            "winners_declared_at",
            "tie_resolution",
            "tie_resolved_by",
            "created_by",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "call",
            "role",
            "method",
            "seats",
            "results",
            "winners_declared_at",
            "tie_resolution",
            "tie_resolved_by",
            "created_by",
        ]

    @admin.display(description="voted / eligible")
    def turnout(self, obj):
        return f"{obj.voted} / {obj.roll_size}"

    @admin.display(description="results")
    def results(self, obj):
        if not obj.is_closed():
            return "Shown after the ballot closes."
        if obj.is_ranked:
            ranked = selectors.ranked_result(obj)
            if ranked is None:
                return (
                    "Ranked ballot: “Declare winners” runs the count and publishes it round by round on the call page."
                )
            return format_html(
                "<p>{} valid ballot(s), quota {}, {} round(s). Elected: {}.</p>",
                ranked["count"]["valid_ballots"],
                ranked["count"]["quota"],
                len(ranked["steps"]),
                ", ".join(ranked["winners"]),
            )
        result = selectors.election_results(obj)
        lines = format_html_join(
            "", "<li>{}: {} vote(s)</li>", ((r["nomination"].nominee, r["votes"]) for r in result["rows"])
        )
        tie = (
            " Votes are tied for the last seat: use “Declare winners” to choose and record why."
            if result["tie"]
            else ""
        )
        return format_html("<p>{} ballot(s).{}</p><ul>{}</ul>", result["ballots"], tie, lines)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        try:
            created = elections.election_open(
                call=obj.call,
                role=obj.role,
                opens_at=obj.opens_at,
                closes_at=obj.closes_at,
                method=obj.method,
                by=request.user,
            )
        except committee_errors.ElectionError as exc:
            raise ValidationError(str(exc)) from exc
        obj.pk = created.pk
        obj.refresh_from_db()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            admin_form = form

            class OpenElectionForm(admin_form):
                def clean(self):
                    data = super().clean()
                    call, role = data.get("call"), data.get("role")
                    if call and role:
                        try:
                            self.instance.seats = elections.election_check_can_open(
                                call=call, role=role, opens_at=data.get("opens_at"), closes_at=data.get("closes_at")
                            )
                        except committee_errors.ElectionError as exc:
                            raise ValidationError(str(exc)) from exc
                    return data

            return OpenElectionForm
        return form

    @admin.action(description="Declare winners (after the close; resolve a tie with a reason)", permissions=["change"])
    def declare_winners(self, request, queryset):
        for election in queryset:
            result = selectors.election_results(election) if election.is_closed() and not election.is_ranked else None
            if result and result["tie"] and not election.winners_declared_at:
                form = ResolveTieForm(request.POST if "reason" in request.POST else None, rows=result["rows"])
                if form.is_valid():
                    try:
                        elections.election_declare_winners(
                            election=election,
                            by=request.user,
                            winner_ids=form.cleaned_data["winners"],
                            reason=form.cleaned_data["reason"],
                        )
                    except committee_errors.ElectionError as exc:
                        self.message_user(request, str(exc), messages.ERROR)
                        return None
                    self.message_user(request, f"Winners declared for {election}: now appoint them.")
                    continue
                context = {
                    **self.admin_site.each_context(request),
                    "title": f"Resolve the tie: {election}",
                    "form": form,
                    "queryset": [election],
                    "action": "declare_winners",
                    "opts": self.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                }
                return render(request, "members/committee/admin/action_form.html", context)
            try:
                elections.election_declare_winners(election=election, by=request.user)
            except committee_errors.ElectionError as exc:
                self.message_user(request, f"{election}: {exc}", messages.ERROR)
                continue
            self.message_user(request, f"Winners declared for {election}: now appoint them from Nominations.")
        return None
