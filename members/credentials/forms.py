from django import forms

from members.credentials.verification import MAX_UPLOAD_BYTES


class VerifyForm(forms.Form):
    """Paste a credential's JSON, or upload the file (JSON, or the baked badge PNG)."""

    document = forms.CharField(
        label="Credential (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="Paste the whole credential file, starting with {.",
        max_length=MAX_UPLOAD_BYTES,
    )
    file = forms.FileField(
        label="Or upload the credential file",
        required=False,
        help_text="The .json file, or the badge image (.png) with the credential baked in.",
    )

    def clean(self):
        data = super().clean()
        if not (data.get("document") or "").strip() and not data.get("file"):
            raise forms.ValidationError("Paste a credential or choose a file to check.")
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason for revoking",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown on the public verification page, to anyone who checks this credential.",
    )
