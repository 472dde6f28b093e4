"""Forms for the committee pages. They validate input; the services in members/committee.py etc. do the
work."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from members.committee.models import CommitteeRole, Nomination
from members.committee.services.nominations import check_proof_file, count_words


class ContactForm(forms.Form):
    role = forms.ModelChoiceField(
        queryset=CommitteeRole.objects.all(),
        label="Who would you like to write to?",
        empty_label=None,
        help_text="Your message goes to everyone who currently holds this role.",
    )
    name = forms.CharField(label="Your name", max_length=150)
    email = forms.EmailField(label="Your email address", help_text="We reply to this address.")
    subject = forms.CharField(label="Subject", max_length=200)
    message = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 8}), max_length=5000)
    # A honeypot: hidden from people (CSS and aria-hidden), filled in by naive bots.
    website = forms.CharField(label="Leave this empty", required=False)


class NominationForm(forms.Form):
    statement = forms.CharField(
        label="Your statement",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Why you are standing and what you would bring. Words are counted as you type.",
    )
    proof_kind = forms.ChoiceField(
        label="Proof of association membership",
        choices=Nomination.Proof.choices,
        widget=forms.RadioSelect,
        initial=Nomination.Proof.VERIFIED,
    )
    proof_file = forms.FileField(
        label="Upload proof (PDF, PNG or JPEG, up to 5 MB)",
        required=False,
        help_text="Only committee officers can see this file.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )

    def __init__(self, *args, call, nomination=None, membership_check=False, membership_number="", **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        # A member not yet verified claims membership here: a number and an uploaded proof (membership_check).
        self.membership_check = membership_check
        if membership_check:
            self.fields["membership_number"] = forms.CharField(
                label="Your association membership number",
                max_length=30,
                required=False,
                initial=membership_number,
                help_text=f"As printed on your membership confirmation, e.g. {settings.MEMBERSHIP_NUMBER_EXAMPLE}.",
            )
            self.fields["proof_file"].label = "Proof of membership (PDF, PNG or JPEG, up to 5 MB)"
            self.fields[
                "proof_file"
            ].help_text = (
                "A membership card, confirmation email or invoice showing your name. Only committee officers see it."
            )
            self.fields["proof_kind"].required = False
        self.fields["statement"].widget.attrs.update({"data-word-limit": call.word_limit})
        self.fields[
            "statement"
        ].help_text = f"At most {call.word_limit} words. Why you are standing and what you would bring."
        answers = {}
        if nomination:
            answers = {a.question_id: a.answer for a in nomination.answers.all()}
        for question in call.questions.all():
            self.fields[f"question_{question.pk}"] = forms.CharField(
                label=question.text,
                required=question.required,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=answers.get(question.pk, ""),
            )

    def clean_statement(self):
        statement = self.cleaned_data["statement"]
        words = count_words(statement)
        if words > self.call.word_limit:
            raise ValidationError(
                f"Your statement has {words} words; the limit is {self.call.word_limit}. "
                f"Please remove {words - self.call.word_limit}."
            )
        return statement

    def clean_proof_file(self):
        upload = self.cleaned_data.get("proof_file")
        if upload:
            check_proof_file(upload)
        return upload

    def answers(self):
        return {
            int(name.split("_", 1)[1]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("question_")
        }


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason (the nominee is told this)", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


class ResolveTieForm(forms.Form):
    winners = forms.MultipleChoiceField(label="Winners", widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label="Why these winners (recorded)", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["winners"].choices = [
            (str(r["nomination"].pk), f"{r['nomination'].nominee} ({r['votes']} votes)") for r in rows
        ]
