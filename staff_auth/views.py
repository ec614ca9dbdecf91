import math

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device

from staff_auth import services
from staff_auth.forms import CodeForm

# The session key holding the secret shown on the setup page until a first code confirms it.
PENDING_SECRET_KEY = "staff_auth_pending_secret"  # noqa: S105 - a session key name


def _next_url(request) -> str:
    """Return the admin page to go on to: `next` when it is a safe admin URL."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    admin_root = reverse("admin:index")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target.startswith(admin_root) else admin_root


def _page(request, template: str, context: dict, *, status: int = 200):
    # The admin's look without its navigation: nothing there opens before the second factor.
    context = {
        **admin.site.each_context(request),
        "has_permission": False,
        "is_nav_sidebar_enabled": False,
        **context,
    }
    return render(request, template, context, status=status)


def _lockout_error(lockout: services.CodeLockout) -> ValidationError:
    minutes = max(1, math.ceil((lockout.until - timezone.now()).total_seconds() / 60))
    message = ngettext(
        "Too many wrong codes. Try again in {minutes} minute.",
        "Too many wrong codes. Try again in {minutes} minutes.",
        minutes,
    )
    return ValidationError(message.format(minutes=minutes), code="locked")


def _verified(request, device):
    otp_login(request, device)
    # A new session id for the higher privilege, as Django does at sign-in.
    request.session.cycle_key()


@never_cache  # the secret and the recovery codes stay out of every cache
@require_http_methods(["GET", "POST"])
@staff_member_required
def setup(request):
    """Show a new TOTP secret (QR code and text); a first code confirms it."""
    if not settings.CROSSTALK_STAFF_2FA:
        raise Http404
    next_url = _next_url(request)
    if user_has_device(request.user):
        return redirect(f"{reverse('staff_auth:verify')}?{urlencode({'next': next_url})}")
    secret = request.session.get(PENDING_SECRET_KEY) or services.totp_secret_new()
    request.session[PENDING_SECRET_KEY] = secret
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        enrolled = None
        if form.is_valid():
            enrolled = services.totp_device_confirm(
                user=request.user, secret=secret, code=form.cleaned_data["code"]
            )
            if enrolled is None:
                form.add_error("code", _wrong_code())
        if enrolled is None:
            status = 400
        else:
            device, codes = enrolled
            del request.session[PENDING_SECRET_KEY]
            _verified(request, device)
            # Shown in this answer only: the codes are never displayed again.
            return _page(
                request,
                "staff_auth/recovery_codes.html",
                {"title": gettext("Recovery codes"), "codes": codes, "next_url": next_url},
            )
    enrolment = services.totp_enrolment(user=request.user, secret=secret)
    context = {"title": gettext("Set up two-step sign-in"), "form": form, "next_url": next_url}
    return _page(request, "staff_auth/setup.html", {**context, **enrolment}, status=status)


def _wrong_code() -> ValidationError:
    return ValidationError(gettext("That code is not right. Try again."), code="invalid")


@never_cache
@require_http_methods(["GET", "POST"])
@staff_member_required
def verify(request):
    """Ask for a TOTP or recovery code before the admin opens."""
    if not settings.CROSSTALK_STAFF_2FA:
        raise Http404
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(next_url)
    if not user_has_device(request.user):
        return redirect(f"{reverse('staff_auth:setup')}?{urlencode({'next': next_url})}")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                device = services.code_verify(user=request.user, code=form.cleaned_data["code"])
            except services.CodeLockout as lockout:
                form.add_error(None, _lockout_error(lockout))
                status = 429
            else:
                if device is not None:
                    _verified(request, device)
                    return redirect(next_url)
                form.add_error("code", _wrong_code())
    context = {"title": gettext("Two-step sign-in"), "form": form, "next_url": next_url}
    return _page(request, "staff_auth/verify.html", context, status=status)
