from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from victimsupport import passkeys, tara
from victimsupport.views import accesslog, auth, health, home, jobs, tools, twostep

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/verify/", auth.otp_verify, name="otp-verify"),
    path("login/tara/", tara.TaraStartView.as_view(), name="tara-start"),
    path("login/tara/callback/", tara.TaraCallbackView.as_view(), name="tara-callback"),
    path("login/tara/failed/", tara.TaraFailedView.as_view(), name="tara-failed"),
    path("account/two-step/", twostep.two_step, name="otp-setup"),
    path("account/two-step/passkeys/<int:pk>/", twostep.passkey_rename, name="passkey-rename"),
    path("account/two-step/passkeys/<int:pk>/remove/", twostep.passkey_remove, name="passkey-remove"),
    path("account/passkeys/", include((passkeys.urlpatterns, passkeys.app_name))),
    path("account/set-password/<uidb64>/<token>/", auth.PasswordSetView.as_view(), name="password-set"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("heartbeat.json", health.heartbeat, name="heartbeat"),
    path("access-log/", accesslog.AccessLogView.as_view(), name="access-log"),
    path("jobs/<int:pk>/", jobs.job_status, name="job"),
    path("jobs/<int:pk>/download/", jobs.job_download, name="job-download"),
    path("tools/sample-letter/", tools.SampleLetterView.as_view(), name="sample-letter"),
    path("", include("cases.urls")),
    path("referrals/", include("referrals.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("marac/", include("marac.urls")),
    path("reporting/", include("reporting.urls")),
    path("compensation/", include("compensation.urls")),
    path("mediation/", include("mediation.urls")),
    path("crisis/", include("crisis.urls")),
    path("prevention/", include("prevention.urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCH_ADMIN_PEER:  # `make bench` only: the floor's empty page
    urlpatterns.append(path("bench/", include("bench.urls")))

handler400 = "victimsupport.views.errors.bad_request"
handler403 = "victimsupport.views.errors.permission_denied"
handler404 = "victimsupport.views.errors.page_not_found"
handler500 = "victimsupport.views.errors.server_error"
