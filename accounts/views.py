from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import DisplayNameForm, SignUpForm
from accounts.services import user_set_display_name


def _safe_next(request) -> str:
    """Return the local path to go to next: only "/..." of this site, otherwise the home page."""
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    ):
        return target
    return "/"


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return HttpResponseRedirect(_safe_next(request))
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_bot():
        return redirect("/")
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to crosstalk, {name}.").format(name=user.public_name))
        return HttpResponseRedirect(_safe_next(request))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "next": _safe_next(request)}
    return render(request, "accounts/signup.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = DisplayNameForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_set_display_name(user=request.user, display_name=form.cleaned_data["display_name"])
        messages.success(request, _("Your display name was saved."))
        return redirect("accounts:profile")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/profile.html", {"form": form}, status=status)
