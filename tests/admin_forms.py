"""Helpers for tests that post admin forms the way a browser would: every field as the page rendered it."""

import datetime

from django.forms import MultiWidget


def _as_post(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (list, tuple)):
        return [str(getattr(v, "pk", v)) for v in value]
    return str(getattr(value, "pk", value))


def _form_fields(form, data):
    for bf in form:
        if bf.field.disabled:
            continue
        widget = bf.field.widget
        value = bf.value()
        if isinstance(widget, MultiWidget):
            parts = value if isinstance(value, (list, tuple)) else widget.decompress(value)
            for i, part in enumerate(parts):
                data[f"{bf.html_name}_{i}"] = "" if part is None else str(part)
            continue
        if hasattr(bf.field, "queryset") and isinstance(value, (list, tuple)):
            data[bf.html_name] = [str(v) for v in value]
            continue
        posted = _as_post(value)
        if posted is not None:
            data[bf.html_name] = posted


def change_form_data(response):
    """The POST data a browser would send back for an admin add/change page, unchanged."""
    data = {}
    _form_fields(response.context["adminform"].form, data)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        _form_fields(formset.management_form, data)
        for form in formset.forms:
            _form_fields(form, data)
    data["_save"] = "Save"
    return data
