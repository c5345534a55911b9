"""Account pages, under /accounts/, without a namespace: Django's auth views look their
URLs up by these exact names (login, password_reset_done…)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import sso_views, two_factor_views
from . import views as account_views
from .forms import ChangePasswordForm

urlpatterns = [
    path("login/", account_views.SignInView.as_view(), name="login"),
    # Single sign-on: the start page, then django-allauth's openid_connect login and callback
    # (/accounts/oidc/<tenant slug>/login/ and .../login/callback/).
    path("sso/", sso_views.start, name="sso_start"),
    path("", include("allauth.socialaccount.providers.openid_connect.urls")),
    # allauth sends people here if it cannot finish on its own; the checks in accounts/sso.py
    # answer first, so these only say it went wrong.
    path(
        "sso/cancelled/",
        sso_views.not_signed_in,
        {"reason": "cancelled"},
        name="socialaccount_login_cancelled",
    ),
    path("sso/not-signed-in/", sso_views.not_signed_in, {"reason": "failed"}, name="socialaccount_signup"),
    path("two-factor/code/", two_factor_views.authenticate, name="two_factor_authenticate"),
    path("two-factor/", two_factor_views.manage, name="two_factor"),
    path("two-factor/set-up/", two_factor_views.set_up, name="two_factor_set_up"),
    path("two-factor/recovery-codes/", two_factor_views.recovery_codes, name="two_factor_recovery_codes"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        account_views.ResetRequestView.as_view(),
        name="password_reset",
    ),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        account_views.ResetPasswordConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Changing the password signs out the user's other sessions (Django rotates the
    # session hash) and keeps this one.
    path(
        "password-change/",
        auth_views.PasswordChangeView.as_view(form_class=ChangePasswordForm),
        name="password_change",
    ),
    path("password-change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("invitations/<str:token>/", account_views.accept_invitation, name="accept_invitation"),
]
