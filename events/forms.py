from django import forms

from events.models import Event


class EventFilterForm(forms.Form):
    """The filters above the events list (all optional; submitted with GET)."""

    q = forms.CharField(label="Search", required=False, max_length=100)
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "All types"), *Event.Kind.choices])
    series = forms.ChoiceField(label="Series", required=False)

    def __init__(self, *args, series=(), **kwargs):
        """`series`: the series to offer, or a function returning them, called only when the choices are needed
        (checking a chosen series, drawing the field): the list page draws the form inside a fragment members
        share, so on a cached fragment with no series chosen the series are never read."""
        super().__init__(*args, **kwargs)
        found = []

        def choices():
            if not found:
                found.append(
                    [("", "All series")] + [(s.slug, s.name) for s in (series() if callable(series) else series)]
                )
            return found[0]

        self.fields["series"].choices = choices


class RegistrationForm(forms.Form):
    """The officers' questions for this event, and (for a programme) confirmation of every session."""

    def __init__(self, *args, event, sessions, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"question_{question.pk}"] = forms.CharField(
                label=question.label,
                help_text=question.help_text,
                required=question.required,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if len(sessions) > 1:
            self.fields["confirmed_all_sessions"] = forms.BooleanField(
                label=f"I can attend all {len(sessions)} sessions of this programme.",
                required=True,
                error_messages={"required": "Please confirm that you can attend every session."},
            )

    def answers(self):
        return {q.pk: self.cleaned_data.get(f"question_{q.pk}", "") for q in self.questions}
