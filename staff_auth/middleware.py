from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device


class StaffSecondFactorMiddleware:
    """Send staff to enrol or to enter a code before any admin page (CROSSTALK_STAFF_2FA).

    A path check guards every admin URL, whoever added it (model admins, custom admin
    views), so no view has to remember. Needs OTPMiddleware above it. Readers pass
    untouched: the admin itself turns them away as before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.CROSSTALK_STAFF_2FA and self._needs_second_factor(request):
            target = "staff_auth:verify" if user_has_device(request.user) else "staff_auth:setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _needs_second_factor(request) -> bool:
        if not request.path.startswith(reverse("admin:index")):
            return False
        # Signing in and out, and the second-factor pages themselves, stay open.
        open_paths = {
            reverse("admin:login"),
            reverse("admin:logout"),
            reverse("staff_auth:setup"),
            reverse("staff_auth:verify"),
        }
        if request.path in open_paths:
            return False
        user = request.user
        return user.is_authenticated and user.is_active and user.is_staff and not user.is_verified()
