from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import validate_plain_text
from translations.models import (
    NOTE_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    SUGGESTION_MAX_LENGTH,
)

_TOO_LONG = _("This can be at most %(limit_value)d characters long (it has %(show_value)d).")


def _text_field(*, label, help_text, max_length, required_message, rows, required=True):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": max_length}),
        error_messages={
            "required": required_message,
            "max_length": _TOO_LONG,
            "null_characters_not_allowed": _("Remove the NUL characters from this text."),
        },
    )


class ReportForm(forms.Form):
    """A reader's report of a translation problem (POST /articles/<slug>/translation-reports/)."""

    quote = _text_field(
        label=_("The passage"),
        help_text=_("Select it in the article, or copy it here."),
        max_length=QUOTE_MAX_LENGTH,
        required_message=_("Quote the passage you are reporting."),
        rows=3,
    )
    suggestion = _text_field(
        label=_("Your suggested translation"),
        help_text=_("How should it read?"),
        max_length=SUGGESTION_MAX_LENGTH,
        required_message=_("Suggest a better translation of the passage."),
        rows=3,
    )
    note = _text_field(
        label=_("Anything the editors should know? (optional)"),
        help_text=_("For example the nuance that got lost, or a source."),
        max_length=NOTE_MAX_LENGTH,
        required_message="",
        rows=2,
        required=False,
    )
    source_comment = forms.CharField(required=False, widget=forms.HiddenInput)

    def _plain(self, name):
        value = self.cleaned_data[name]
        validate_plain_text(value)
        return value

    def clean_quote(self):
        return self._plain("quote")

    def clean_suggestion(self):
        return self._plain("suggestion")

    def clean_note(self):
        return self._plain("note")

    def clean_source_comment(self):
        value = (self.cleaned_data.get("source_comment") or "").strip()
        if not value:
            return None
        if not value.isascii() or not value.isdigit() or len(value) > 18:
            raise forms.ValidationError(
                _("The source comment you are reporting is not a valid comment number."),
                code="bad_source_comment",
            )
        return int(value)
