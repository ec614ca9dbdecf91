from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from accounts.confusables import INVISIBLE_OR_BIDI, skeleton
from accounts.models import User
from core.text import validate_plain_text


class SignUpForm(UserCreationForm):
    # A honeypot: hidden from people (and screen readers); bots that fill it are dropped.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name")

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_username(self):
        # First, before Django looks the name up: PostgreSQL cannot compare a NUL or a lone
        # surrogate, so such a name must be a form error, not a failed query.
        validate_plain_text(self.cleaned_data.get("username") or "")
        username = super().clean_username()
        if not username:  # Django already reported it (taken, or empty)
            return username
        if INVISIBLE_OR_BIDI.search(username):
            raise forms.ValidationError(
                _("Usernames cannot contain invisible or text-direction characters."),
                code="invisible_characters",
            )
        if User.objects.filter(username_skeleton=skeleton(username)).exists():
            raise forms.ValidationError(
                _("This username looks too much like an existing one. Please choose another."),
                code="confusable",
            )
        return username

    def clean_display_name(self):
        value = self.cleaned_data.get("display_name", "").strip()
        validate_plain_text(value)
        return value

    def clean_password1(self):
        return _encodable_password(self.cleaned_data.get("password1"))

    def clean_password2(self):
        return _encodable_password(self.cleaned_data.get("password2"))


def _encodable_password(value):
    """Return the password, refusing a NUL or a lone surrogate (which cannot be hashed)."""
    if value and ("\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)):
        raise forms.ValidationError(
            _("Passwords cannot contain NUL bytes or unpaired surrogate characters."),
            code="password_characters",
        )
    return value


class LoginForm(AuthenticationForm):
    """Django's login form, refusing before any lookup a name no account can have.

    AuthenticationForm sets the field's max_length only after the validators are built, so
    an overlong name would reach authenticate() and django-axes, whose attempt log cannot
    store it. NUL bytes and lone surrogates cannot be compared by PostgreSQL at all.
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].validators.append(
            MaxLengthValidator(self.fields["username"].max_length)
        )

    def clean_username(self):
        username = self.cleaned_data.get("username") or ""
        validate_plain_text(username)
        return username

    def clean_password(self):
        return _encodable_password(self.cleaned_data.get("password"))


class DisplayNameForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name",)
        labels = {"display_name": _("Display name")}

    def clean_display_name(self):
        value = self.cleaned_data.get("display_name", "").strip()
        validate_plain_text(value)
        return value
