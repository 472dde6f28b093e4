"""Forms of the mailing list pages."""

from django import forms

from members.mailing.digest import section_choices
from members.mailing.models import Subscriber


class SubscribeForm(forms.Form):
    email = forms.CharField(
        label="Your email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We will send you a link to confirm. Nothing else is sent until you click it.",
    )


class PreferencesForm(forms.Form):
    frequency = forms.ChoiceField(
        label="How often", choices=Subscriber.Frequency.choices, widget=forms.RadioSelect, initial="weekly"
    )
    sections = forms.MultipleChoiceField(
        label="Sections of the digest",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose what the digest includes. Leave all ticked to get new sections as they are added.",
    )

    def __init__(self, *args, subscriber=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = section_choices()
        self.fields["sections"].choices = choices
        all_keys = [key for key, _ in choices]
        if subscriber is not None and not self.is_bound:
            self.initial["frequency"] = subscriber.frequency
            self.initial["sections"] = all_keys if subscriber.sections is None else subscriber.sections
        elif not self.is_bound:
            self.initial["sections"] = all_keys
        self._all_keys = all_keys

    def cleaned_sections(self):
        """None (every section, now and later) when all are ticked, else the chosen keys."""
        chosen = self.cleaned_data["sections"]
        return None if set(chosen) >= set(self._all_keys) else list(chosen)
