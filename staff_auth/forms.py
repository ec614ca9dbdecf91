from django import forms
from django.utils.translation import gettext_lazy as _

# Longest code the form takes: a recovery code is 8 characters, a TOTP code 6 digits;
# room for the spaces and dashes people type between groups.
CODE_MAX_LENGTH = 20


class CodeForm(forms.Form):
    """One code: six digits from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=CODE_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        """Return the code without spaces or dashes, in lower case (recovery codes are)."""
        return "".join(self.cleaned_data["code"].split()).replace("-", "").lower()
