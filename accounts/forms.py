from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from discussions.text import validate_plain_text


class SignUpForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name")

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
