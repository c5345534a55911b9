"""Account pages, under /accounts/, without a namespace: Django's auth views look their
URLs up by these exact names (login, password_reset_done…)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import two_factor_views
from . import views as account_views
from .forms import ChangePasswordForm

urlpatterns = [
    path("login/", account_views.SignInView.as_view(), name="login"),
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
