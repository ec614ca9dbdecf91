import copy

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import throttle
from accounts.export import user_data
from accounts.forms import (
    EMAIL_UNAVAILABLE,
    AccountDeleteForm,
    AccountForm,
    MailSettingsForm,
    PasswordResetRequestForm,
    SignUpForm,
)
from accounts.models import ReservedName
from accounts.services import (
    EmailLinkError,
    email_link_user,
    email_verification_resend,
    email_verification_send,
    email_verify,
    user_delete,
    user_settings_save,
)
from core.http import local_target
from notifications.models import Kind, MailSettings

# Password reset requests that lead to a mail, per address and per client address, an hour.
RESET_MAILS_PER_ADDRESS = 5
RESET_REQUESTS_PER_IP = 5
# Confirmation links a reader may ask to be mailed again, an hour.
RESENDS_PER_HOUR = 3

TAKEN_MEANWHILE = _lazy("This username or email address was taken a moment ago. Choose another.")


def _safe_next(request) -> str:
    """Return the local path to go to next: only "/..." of this site, otherwise the home page."""
    return local_target(request, "/")


def _form_status(request) -> int:
    return 400 if request.method == "POST" else 200


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return HttpResponseRedirect(_safe_next(request))
    form = SignUpForm(request.POST or None, email_check_key=f"ip:{throttle.client_ip(request)}")
    if request.method == "POST" and form.is_bot():
        return redirect("/")
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
                email_verification_send(user=user)
        except IntegrityError:  # taken between the form's check and the insert
            form.add_error(None, TAKEN_MEANWHILE)
            context = {"form": form, "next": _safe_next(request)}
            return render(request, "accounts/signup.html", context, status=400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to crosstalk, {name}.").format(name=user.public_name))
        if user.email:
            messages.success(request, _confirmation_sent_message(user.email))
        return HttpResponseRedirect(_safe_next(request))
    context = {"form": form, "next": _safe_next(request)}
    return render(request, "accounts/signup.html", context, status=_form_status(request))


def _confirmation_sent_message(address: str) -> str:
    return _(
        "We sent a link to {address}. Follow it to confirm the address: until then no other "
        "mail goes to it."
    ).format(address=address)


def _with_current_values(post, current: dict):
    """Return the POSTed values, with the current value of each field the request left out
    (a script may send only what it changes)."""
    data = post.copy()
    for name, value in current.items():
        if name not in data:
            data[name] = value
    return data


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request):
    user = request.user
    mail_settings = MailSettings.for_user(user)
    data = None
    if request.method == "POST":
        current = {"display_name": user.display_name, "email": user.email}
        current.update({kind: mail_settings.frequency(kind) for kind in Kind.values})
        data = _with_current_values(request.POST, current)
    # A copy: a form that fails must not leave its values on the signed-in user of this page.
    account_form = AccountForm(data, instance=copy.copy(user), email_check_key=f"user:{user.pk}")
    mail_form = MailSettingsForm(data, instance=mail_settings)
    if data is not None and all([account_form.is_valid(), mail_form.is_valid()]):
        try:
            mailed = user_settings_save(
                user=user,
                display_name=account_form.cleaned_data["display_name"],
                email=account_form.cleaned_data["email"],
                mail_settings=mail_form.instance,
            )
        except IntegrityError:  # the address was taken between the check and the write
            user.refresh_from_db()
            account_form.add_error("email", EMAIL_UNAVAILABLE)
        else:
            messages.success(request, _("Your settings were saved."))
            if mailed:
                messages.success(request, _confirmation_sent_message(user.email))
            return redirect("accounts:settings")
    context = {"account_form": account_form, "mail_form": mail_form}
    return render(request, "accounts/settings.html", context, status=_form_status(request))


@require_http_methods(["GET", "POST"])
def verify_email(request, token):
    """Confirm an address from the link mailed to it: the link shows a button, the button
    (a POST) confirms, so a mail scanner that fetches links confirms nothing."""
    try:
        if request.method == "POST":
            user = email_verify(token=token)
            messages.success(
                request, _("Thank you: {address} is confirmed.").format(address=user.email)
            )
            return redirect("accounts:settings" if request.user.is_authenticated else "/")
        user = email_link_user(token)
    except EmailLinkError as exc:
        context = {"reason": exc.reason}
        return render(request, "accounts/verify_email_failed.html", context, status=400)
    return render(request, "accounts/verify_email.html", {"address": user.email})


@login_required
@require_POST
def verify_email_resend(request):
    user = request.user
    if not throttle.allow("verify-resend", str(user.pk), limit=RESENDS_PER_HOUR, window=3600):
        messages.error(request, _("You asked for the link several times already. Try later."))
    elif email_verification_resend(user=user):
        messages.success(request, _confirmation_sent_message(user.email))
    return redirect("accounts:settings")


@login_required
@require_safe
def export(request):
    user = request.user
    response = JsonResponse(
        user_data(user),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )
    filename = f"crosstalk-{user.username}-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = AccountDeleteForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user_delete(user=request.user)
        logout(request)
        messages.success(
            request, _("Your account is deleted. Your comments are gone; replies to them stay.")
        )
        return redirect("/")
    context = {"form": form, "name_hold_days": ReservedName.HOLD.days}
    return render(request, "accounts/delete.html", context, status=_form_status(request))


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, answering every address alike: the same page whether or not
    an account has it, whether or not a mail goes out, and whatever the rate limits say."""

    form_class = PasswordResetRequestForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        address = form.cleaned_data["email"].lower()
        ip = throttle.client_ip(self.request)
        if throttle.allow(
            "reset-ip", ip, limit=RESET_REQUESTS_PER_IP, window=3600
        ) and throttle.allow("reset-address", address, limit=RESET_MAILS_PER_ADDRESS, window=3600):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset link: a tampered, expired or used link answers 400."""

    success_url = reverse_lazy("accounts:password_reset_complete")

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        if isinstance(response, TemplateResponse) and not self.validlink:
            response.status_code = 400
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response
