"""Forms of the forums. They check shape (length, required); forums.services checks the rules."""

from django import forms
from django.conf import settings

from .models import Forum, Report

BODY_HELP = (
    "Markdown: **bold**, *italic*, > quote, [link text](https://example.org). "
    "Mention a member with @ and their name without spaces, for example @RobinAshdown."
)


def body_field(label="Your post"):
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=BODY_HELP,
        # No max_length on the widget: the browser would cut pasted text silently; the message explains.
        error_messages={"required": "Write something before posting: the post is empty."},
    )


def clean_body_text(value):
    value = (value or "").strip()
    if not value:
        raise forms.ValidationError("Write something before posting: the post is empty.")
    limit = settings.FORUMS_POST_MAX_LENGTH
    if len(value) > limit:
        raise forms.ValidationError(
            f"A post can be at most {limit:,} characters long; yours has {len(value):,}. "
            "Shorten it or split it into two posts."
        )
    return value


class AnonymousChoiceMixin:
    def __init__(self, *args, forum=None, **kwargs):
        super().__init__(*args, **kwargs)
        if forum is None or not forum.allow_anonymous:
            self.fields.pop("is_anonymous", None)


class TopicForm(AnonymousChoiceMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=150, error_messages={"required": "Give the topic a title."})
    body = body_field()
    is_anonymous = forms.BooleanField(
        label="Post as an anonymous member",
        required=False,
        help_text=("Other members see 'anonymous member'. Moderators can see who wrote it; every look is logged."),
    )

    def clean_body(self):
        return clean_body_text(self.cleaned_data.get("body"))


class ReplyForm(AnonymousChoiceMixin, forms.Form):
    """
    A reply. For a member who posted anonymously in the topic (anonymous_here), "anonymous" is ticked by default;
    when they untick it, the form comes back once with "Yes, show my name" to confirm (forums.services checks it).
    """

    body = body_field("Your reply")
    is_anonymous = TopicForm.base_fields["is_anonymous"]

    def __init__(self, *args, anonymous_here=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.anonymous_here = anonymous_here
        if anonymous_here and "is_anonymous" in self.fields:
            self.fields["is_anonymous"].initial = True
        if anonymous_here and self.is_bound and not self.data.get("is_anonymous"):
            self.fields["show_my_name"] = forms.BooleanField(
                label="Yes, show my name on this reply",
                required=False,
                help_text="Members will see your name on this reply; your earlier anonymous posts stay anonymous.",
            )

    def clean_body(self):
        return clean_body_text(self.cleaned_data.get("body"))


class EditForm(forms.Form):
    title = forms.CharField(label="Title", max_length=150, required=False)
    body = body_field()

    def __init__(self, *args, with_title=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_title:
            self.fields.pop("title")
        else:
            self.fields["title"].required = True
            self.fields["title"].error_messages["required"] = "Give the topic a title."

    def clean_body(self):
        return clean_body_text(self.cleaned_data.get("body"))


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with this post?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a reason."},
    )
    text = forms.CharField(
        label="Anything the moderators should know",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only moderators read this. Needed when you choose 'Something else'.",
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == Report.Reason.OTHER and not (data.get("text") or "").strip():
            self.add_error("text", "Tell the moderators what is wrong with this post.")
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ModeratePostForm(forms.Form):
    ACTIONS = [("approve", "Approve"), ("hide", "Hide"), ("restore", "Restore / keep")]
    action = forms.ChoiceField(choices=ACTIONS)
    reason = forms.CharField(label="Reason (the author is told when a post is hidden)", required=False)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to know who wrote this post?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why; the look is logged."},
    )


class SuspendForm(forms.Form):
    until = forms.DateField(
        label="Suspended until (the end of this day)",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Choose the last day of the suspension.", "invalid": "Enter a date."},
    )
    reason = forms.CharField(
        label="Reason (the member is told)",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason: the member is told why."},
    )


class MoveForm(forms.Form):
    forum = forms.ModelChoiceField(label="Move to forum", queryset=Forum.objects.none())
    reason = forms.CharField(label="Reason", required=False)

    def __init__(self, *args, forums=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forum"].queryset = forums if forums is not None else Forum.objects.none()


class SlowModeForm(forms.Form):
    minutes = forms.IntegerField(
        label="Slow mode: minutes between posts per member (0 for off)", min_value=0, max_value=1440
    )
    reason = forms.CharField(label="Reason", required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the forums", max_length=200, required=False)
