"""Forms for the portfolio pages. They validate input; members.cpd.services does the writing."""

from django import forms

from members.cpd.models import Area, Entry
from members.cpd.services import check_evidence_file


class _AreasMixin(forms.Form):
    areas = forms.MultipleChoiceField(
        label="CMALT core areas",
        choices=Area.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick each core area this entry is evidence for.",
    )
    specialist_area = forms.CharField(
        label="Specialist area (optional)",
        max_length=150,
        required=False,
        help_text="Your own specialist area, if this entry is evidence for it, e.g. 'digital accessibility'.",
    )
    reflection = forms.CharField(
        label="Reflection",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you learnt, and what you will do differently.",
    )


class EntryForm(_AreasMixin, forms.ModelForm):
    link = forms.URLField(label="Link (optional)", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Entry
        fields = ["title", "kind", "occurred_on", "hours", "link", "evidence"]
        labels = {"occurred_on": "Date", "hours": "Hours"}
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "evidence": forms.ClearableFileInput(
                attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}
            ),
        }
        help_texts = {
            "evidence": "Optional: a certificate, slides or notes as PDF, PNG or JPEG, up to 10 MB. Only you see it.",
            "hours": "Time spent, in hours (e.g. 1.5).",
        }

    field_order = [
        "title",
        "kind",
        "occurred_on",
        "hours",
        "link",
        "evidence",
        "areas",
        "specialist_area",
        "reflection",
    ]

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the file already stored
            check_evidence_file(upload)
        return upload


class ReflectionForm(_AreasMixin):
    """For entries the portal recorded: the facts stay as recorded; the member reflects and tags."""


class ShareLinkForm(forms.Form):
    label = forms.CharField(
        label="Who is this link for? (optional)",
        max_length=100,
        required=False,
        help_text="e.g. 'CMALT assessor' or 'my line manager', so you know which link to revoke later.",
    )
