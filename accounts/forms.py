from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts.confusables import INVISIBLE_OR_BIDI, skeleton
from accounts.models import User
from discussions.text import validate_plain_text


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


class DisplayNameForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name",)
        labels = {"display_name": _("Display name")}

    def clean_display_name(self):
        value = self.cleaned_data.get("display_name", "").strip()
        validate_plain_text(value)
        return value
