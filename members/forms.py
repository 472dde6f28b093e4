from django import forms


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

    def signup(self, request, user):
        user.name = self.cleaned_data["name"]
        user.save(update_fields=["name"])
