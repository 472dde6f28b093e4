from django import forms
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from members.membership import membership_number_clean
from members.models import Profile
from members.models.profiles import http_url
from members.models.users import time_zone_choices
from members.principles import current_principles, principles_accept
from members.profiles import PhotoError, expertise_name_normalise, photo_prepare


class SignupExtraForm(forms.Form):
    """What allauth's sign-up form asks beyond email and password: the member's name, as they write it."""

    name = forms.CharField(
        label="Your name",
        max_length=150,
        help_text="As you would like other members to see it.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["name", "email", "password1", "password2"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Please enter your name.")
        return name

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # New members accept the current principles as they join (once officers have published some).
        self.principles = current_principles()
        if self.principles is not None:
            self.fields["accept_principles"] = forms.BooleanField(
                label="I have read and accept the community principles",
                required=True,
                help_text=format_html(
                    '<a href="{}" target="_blank" rel="noopener">Read the community principles</a> '
                    "(opens in a new tab).",
                    reverse("principles"),
                ),
                error_messages={"required": "Please accept the community principles to join."},
            )

    def signup(self, request, user):
        user.name = self.cleaned_data["name"]
        user.save(update_fields=["name"])
        if self.principles is not None and self.cleaned_data.get("accept_principles"):
            principles_accept(user=user, version=self.principles)


# ----------------------------------------------------------------------------------------------------
# Profile, association membership, sub-groups, account deletion
# ----------------------------------------------------------------------------------------------------


class WebAddressField(forms.URLField):
    """A link on a profile: http(s) only, with one clear message for anything else."""

    default_validators = [http_url]
    default_error_messages = {"invalid": http_url.message}

    def __init__(self, **kwargs):
        kwargs["assume_scheme"] = "https"
        super().__init__(**kwargs)


def _profile_formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs["form_class"] = WebAddressField
    return model_field.formfield(**kwargs)


class ProfileForm(forms.ModelForm):
    """The member's own profile, with their display name and time zone (both kept on the User)."""

    name = forms.CharField(
        label="Display name",
        max_length=150,
        help_text="Your name as other members see it.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    time_zone = forms.TypedChoiceField(
        label="Time zone",
        required=False,
        choices=(),
        help_text="Times are shown in this zone. Leave empty for the site's zone (UK time).",
    )
    photo = forms.ImageField(
        label="Upload a photo",
        required=False,
        help_text="Optional. A JPEG, PNG, GIF or WebP image up to 3 MB; we resize it to 400 pixels.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )

    expertise = forms.CharField(
        label="Areas of expertise",
        required=False,
        max_length=1000,
        help_text="Separate areas with commas, for example: accessibility, e-portfolios, staff development. "
        "Suggestions appear as you type.",
    )

    class Meta:
        model = Profile
        fields = [
            "pronouns",
            "job_title",
            "organisation",
            "proposed_organisation",
            "region",
            "bio",
            "website",
            "linkedin",
            "mastodon",
            "bluesky",
            "photo",
            "show_in_directory",
            "share_organisation",
            "share_region",
            "share_bio",
            "share_links",
            "share_photo",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}
        formfield_callback = _profile_formfield

    field_order = [
        "name",
        "show_in_directory",
        "pronouns",
        "job_title",
        "organisation",
        "proposed_organisation",
        "region",
        "time_zone",
        "bio",
        "expertise",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Validation writes new values onto the instance: remember the stored photo, to delete it if replaced.
        self.stored_photo_name = self.instance.photo.name if self.instance.photo else ""
        self.fields["name"].initial = user.name
        self.fields["time_zone"].choices = [("", "UK time (the site's zone)"), *time_zone_choices()]
        self.fields["time_zone"].initial = user.time_zone
        self.fields["region"].choices = [("", "Prefer not to say"), *self.fields["region"].choices[1:]]
        self.fields["organisation"].empty_label = "Not listed / prefer not to say"
        self.fields["proposed_organisation"].label = "Not in the list? Type your organisation"
        self.fields[
            "proposed_organisation"
        ].help_text = (
            "We add it to the list after a quick check by an officer; until then it is shown only to officers."
        )
        if self.instance.pk:
            self.fields["expertise"].initial = ", ".join(t.name for t in self.instance.expertise.all())
        self.fields["expertise"].widget.attrs.update(
            {
                "list": "expertise-suggestions",
                "autocomplete": "off",
                "data-suggest-url": reverse("members:expertise-suggestions"),
            }
        )
        for name in ("website", "linkedin", "mastodon", "bluesky"):
            self.fields[name].widget.attrs["placeholder"] = "https://"
        self.fields["mastodon"].help_text = "Your profile's address, e.g. https://mastodon.social/@you"
        self.fields["bluesky"].help_text = "Your profile's address, e.g. https://bsky.app/profile/you.bsky.social"

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Please enter your name.")
        return name

    def clean_proposed_organisation(self):
        return " ".join((self.cleaned_data.get("proposed_organisation") or "").split())

    def clean(self):
        cleaned = super().clean()
        # A chosen organisation from the list wins: the proposal is only for one that is not there.
        if cleaned.get("organisation"):
            cleaned["proposed_organisation"] = ""
            self.instance.proposed_organisation = ""
        return cleaned

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        self.cleaned_data["photo_prepared"] = None
        if photo and hasattr(photo, "content_type"):  # a new upload (not the photo already saved)
            try:
                self.cleaned_data["photo_prepared"] = photo_prepare(upload=photo)
            except PhotoError as exc:
                raise forms.ValidationError(exc.messages) from exc
            return self.instance.photo  # the service stores the resized copy, never the raw upload
        return photo

    def clean_expertise(self):
        """Comma-separated names to a list; spaces inside a name are kept ("staff development")."""
        cleaned = []
        for tag in self.cleaned_data.get("expertise", "").split(","):
            tag = expertise_name_normalise(tag)
            if len(tag) > 60:
                raise forms.ValidationError(f'Keep each area under 60 characters: "{tag[:30]}..." is too long.')
            if tag and tag.lower() not in {t.lower() for t in cleaned}:
                cleaned.append(tag)
        if len(cleaned) > 15:
            raise forms.ValidationError("Choose up to 15 areas of expertise.")
        return cleaned


class IndividualMembershipForm(forms.Form):
    membership_number = forms.CharField(label="Membership number", max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "membership_number"
        ].help_text = f"As printed on your membership confirmation, e.g. {settings.MEMBERSHIP_NUMBER_EXAMPLE}."

    def clean_membership_number(self):
        return membership_number_clean(self.cleaned_data["membership_number"])


class SubGroupJoinForm(forms.Form):
    listed = forms.BooleanField(
        label="Show my name on the group page",
        required=False,
        help_text="Other logged-in members see who is in the group only if they choose this.",
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )
    confirm = forms.BooleanField(
        label="I understand that deleting my account cannot be undone",
        required=True,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


class PrinciplesAcceptForm(forms.Form):
    accept = forms.BooleanField(label="I have read and accept the community principles", required=True)
