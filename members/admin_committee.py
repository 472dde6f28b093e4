"""
The officers' tools for the committee: roles, appointments (every change logged), messages, calls for
nominations, nominations (accept, decline with a reason, appoint) and elections (declare winners, resolve
ties). Saving and actions call the services; nothing here writes around them.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from members import committee, elections, nominations
from members.forms_committee import DeclineForm, ResolveTieForm
from members.models import (
    Appointment,
    AppointmentChange,
    CallRole,
    CommitteeRole,
    ContactMessage,
    Election,
    Nomination,
    NominationAnswer,
    NominationCall,
    NominationQuestion,
)


@admin.register(CommitteeRole)
class CommitteeRoleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "seats",
        "default_term_years",
        "order",
        "is_main_contact",
        "grants_officer",
        "grants_moderator",
    ]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title"]


class CurrentFilter(admin.SimpleListFilter):
    title = "term"
    parameter_name = "term"

    def lookups(self, request, model_admin):
        return [("current", "Current"), ("past", "Past"), ("future", "Not started yet")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.current(today)
        if self.value() == "past":
            return queryset.past(today)
        if self.value() == "future":
            return queryset.filter(starts_on__gt=today)
        return queryset


class AppointmentChangeInline(admin.TabularInline):
    model = AppointmentChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "changed_by", "action", "summary"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["holder_name", "role", "starts_on", "ends_on", "ended_early_on", "is_current_display"]
    list_filter = [CurrentFilter, "role"]
    search_fields = ["holder_name", "user__email", "user__name"]
    list_select_related = ["role", "user"]
    autocomplete_fields = ["user"]
    fields = ["role", "user", "holder_name", "starts_on", "ends_on", "ended_early_on", "notes"]
    inlines = [AppointmentChangeInline]
    actions = ["end_today"]
    date_hierarchy = "starts_on"

    @admin.display(boolean=True, description="current")
    def is_current_display(self, obj):
        return obj.is_current()

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)
        base.base_fields["ends_on"].required = False
        base.base_fields["holder_name"].required = False

        class AppointmentForm(base):
            def clean(self):
                data = super().clean()
                role, starts_on = data.get("role"), data.get("starts_on")
                if role and starts_on and (obj is None or {"role", "starts_on"} & set(self.changed_data)):
                    problem = committee.seat_problem(role, starts_on, exclude_pk=obj.pk if obj else None)
                    if problem:
                        raise ValidationError(problem)
                return data

        return AppointmentForm

    def save_model(self, request, obj, form, change):
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
            committee.appointment_update(appointment=obj, by=request.user, **fields)
        else:
            created = committee.appointment_create(
                role=obj.role,
                user=obj.user,
                starts_on=obj.starts_on,
                ends_on=obj.ends_on,
                notes=obj.notes,
                by=request.user,
            )
            obj.pk = created.pk
            obj.refresh_from_db()

    def delete_model(self, request, obj):
        committee.appointment_delete(appointment=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            committee.appointment_delete(appointment=obj, by=request.user)

    @admin.action(description="End the selected appointments today (access ends now)")
    def end_today(self, request, queryset):
        ended = 0
        for appointment in queryset.current():
            committee.appointment_end_early(appointment=appointment, by=request.user)
            ended += 1
        self.message_user(request, f"Ended {ended} appointment(s); their access was updated.")


@admin.register(AppointmentChange)
class AppointmentChangeAdmin(admin.ModelAdmin):
    """The committee's history: who changed which appointment, when. Read-only."""

    list_display = ["changed_at", "action", "holder_name", "role_title", "changed_by"]
    list_filter = ["action", "role_title"]
    search_fields = ["holder_name", "summary"]
    list_select_related = ["changed_by"]
    readonly_fields = [
        "appointment",
        "role_title",
        "holder_name",
        "action",
        "summary",
        "changed_by",
        "changed_at",
    ]
    date_hierarchy = "changed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "name", "email", "role_title", "created_at", "handled", "handled_by"]
    list_filter = ["handled", "role_title"]
    search_fields = ["subject", "name", "email", "message"]
    list_select_related = ["handled_by"]
    readonly_fields = [
        "role",
        "role_title",
        "sender",
        "name",
        "email",
        "subject",
        "message",
        "delivered_to",
        "created_at",
        "handled_by",
        "handled_at",
    ]
    fields = readonly_fields[:9] + ["handled", "officer_note", "handled_by", "handled_at"]
    actions = ["mark_handled"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        if obj.handled and "handled" in form.changed_data:
            committee.contact_message_mark_handled(contact=obj, by=request.user, note=obj.officer_note)
        else:
            if not obj.handled:
                obj.handled_by, obj.handled_at = None, None
            obj.save()

    @admin.action(description="Mark the selected messages as handled")
    def mark_handled(self, request, queryset):
        for contact in queryset.filter(handled=False):
            committee.contact_message_mark_handled(contact=contact, by=request.user)
        self.message_user(request, "Marked as handled.")


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
        url = reverse("admin:members_nomination_changelist") + f"?call__id__exact={obj.pk}"
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
            except nominations.NominationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
        if done:
            self.message_user(request, f"{verb} {done} nomination(s); each nominee has been emailed.")

    @admin.action(description="Accept as candidate (emails the nominee)")
    def accept(self, request, queryset):
        self._each(request, queryset, nominations.nomination_accept, "Accepted")

    @admin.action(description="Decline with a reason (emails the nominee)")
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

    @admin.action(description="Appoint: uncontested candidates or election winners (creates appointments)")
    def appoint(self, request, queryset):
        try:
            made = nominations.nominations_appoint(nominations=list(queryset), by=request.user)
        except (nominations.NominationError, ValidationError) as exc:
            self.message_user(request, f"Nobody was appointed. {exc}", messages.ERROR)
            return
        self.message_user(
            request,
            "Appointed " + ", ".join(f"{a.holder_name} as {a.role} until {a.ends_on:%-d %B %Y}" for a in made) + ".",
        )


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
            return ["call", "role", "opens_at", "closes_at"]
        return [
            "call",
            "role",
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
        result = elections.election_results(obj)
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
                call=obj.call, role=obj.role, opens_at=obj.opens_at, closes_at=obj.closes_at, by=request.user
            )
        except elections.ElectionError as exc:
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
                        if not call.is_closed():
                            raise ValidationError("Open an election only after the call for nominations has closed.")
                        call_role = CallRole.objects.filter(call=call, role=role).first()
                        if call_role is None:
                            raise ValidationError(f"{role} is not open in {call}.")
                        if nominations.candidates(call, role).count() <= call_role.seats:
                            raise ValidationError(f"{role} is not contested: appoint its candidates instead.")
                        self.instance.seats = call_role.seats
                    return data

            return OpenElectionForm
        return form

    @admin.action(description="Declare winners (after the close; resolve a tie with a reason)")
    def declare_winners(self, request, queryset):
        for election in queryset:
            result = elections.election_results(election) if election.is_closed() else None
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
                    except elections.ElectionError as exc:
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
            except elections.ElectionError as exc:
                self.message_user(request, f"{election}: {exc}", messages.ERROR)
                continue
            self.message_user(request, f"Winners declared for {election}: now appoint them from Nominations.")
        return None
