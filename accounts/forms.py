from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.core.validators import MaxLengthValidator
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from accounts import throttle
from accounts.confusables import INVISIBLE_OR_BIDI, skeleton
from accounts.models import ReservedName, User
from core.text import validate_plain_text
from notifications.models import Kind, MailSettings
from outbox.services import mail_queue

# How many addresses one client may try on the sign-up and settings forms in an hour; past
# that every address is refused the same way, so the forms cannot be used to find out in bulk
# which addresses have accounts here.
EMAIL_CHECKS_PER_HOUR = 10
# Attempts at the password that confirms deleting an account, per account and hour.
DELETE_ATTEMPTS_PER_HOUR = 5

EMAIL_UNAVAILABLE = _("This email address cannot be used here. Enter another one, or none.")
EMAIL_HELP = _(
    "Optional, and never shown to other readers. We mail a link to confirm it; after that it is "
    "used for password resets and the notifications you choose."
)


class EmailFieldMixin:
    """The optional, private address of an account: unique among accounts, compared
    case-insensitively, with one answer for every address that cannot be used."""

    email_check_key: str | None = None

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip()
        if not email:
            return ""
        validate_plain_text(email)
        email = User.objects.normalize_email(email)
        current = getattr(self.instance, "email", "")
        if current and current.lower() == email.lower():
            return email
        if self.email_check_key and not throttle.allow(
            "email-check", self.email_check_key, limit=EMAIL_CHECKS_PER_HOUR, window=3600
        ):
            raise forms.ValidationError(EMAIL_UNAVAILABLE, code="email_unavailable")
        taken = User.objects.with_email(email).exclude(pk=self.instance.pk)
        # The same words as for an address refused for any other reason: the form does not
        # say that an account has it, let alone which.
        if taken.exists():
            raise forms.ValidationError(EMAIL_UNAVAILABLE, code="email_unavailable")
        return email


def _refuse_reserved(name: str, message) -> None:
    if ReservedName.objects.holds(name):
        raise forms.ValidationError(message, code="reserved")


class SignUpForm(EmailFieldMixin, UserCreationForm):
    # A honeypot: hidden from people (and screen readers); bots that fill it are dropped.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "email")
        labels = {"email": _("Email address")}
        help_texts = {"email": EMAIL_HELP}

    def __init__(self, *args, email_check_key: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.email_check_key = email_check_key
        self.fields["email"].widget.attrs["autocomplete"] = "email"

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
        _refuse_reserved(
            username, _("This username is not available at the moment. Please choose another.")
        )
        return username

    def clean_display_name(self):
        value = self.cleaned_data.get("display_name", "").strip()
        validate_plain_text(value)
        _refuse_reserved(
            value, _("This display name is not available at the moment. Please choose another.")
        )
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
        if value != self.instance.display_name:
            _refuse_reserved(
                value,
                _("This display name is not available at the moment. Please choose another."),
            )
        return value


class AccountForm(EmailFieldMixin, DisplayNameForm):
    """The settings page's part about the account: display name and address."""

    class Meta(DisplayNameForm.Meta):
        fields = ("display_name", "email")
        labels = {"display_name": _("Display name"), "email": _("Email address")}
        help_texts = {"email": EMAIL_HELP}

    def __init__(self, *args, email_check_key: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.email_check_key = email_check_key
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class MailSettingsForm(forms.ModelForm):
    """Which notifications the reader wants by mail, kind by kind."""

    class Meta:
        model = MailSettings
        fields = tuple(Kind.values)


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form, mailing only confirmed addresses that have not bounced, and
    through the outbox: no mail is sent inside the request."""

    def get_users(self, email):
        accounts = User.objects.with_email(email).filter(is_active=True, deleted_at__isnull=True)
        return (user for user in accounts if user.can_receive_mail and user.has_usable_password())

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        context = {**context, "site_url": settings.SITE_URL.rstrip("/")}
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        html = ""
        if html_email_template_name is not None:
            html = render_to_string(html_email_template_name, context)
        mail_queue(
            to=to_email,
            subject=subject,
            text=render_to_string(email_template_name, context),
            html=html,
            kind="password_reset",
            user=context["user"],
        )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = _encodable_password(self.cleaned_data.get("password"))
        if not throttle.allow(
            "delete-password", str(self.user.pk), limit=DELETE_ATTEMPTS_PER_HOUR, window=3600
        ):
            raise forms.ValidationError(
                _("Too many attempts. Try again in an hour."), code="too_many_attempts"
            )
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("That is not your password; your account was not deleted."),
                code="password_incorrect",
            )
        return password
