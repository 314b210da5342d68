from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from mokmin.web.accounts.forms import LoginForm
from mokmin.web.api import api
from mokmin.web.evaluation.urls import public_urlpatterns as public_evaluation
from mokmin.web.proposals.urls import public_urlpatterns as public_proposals

admin.site.site_header = "목민 관리"
admin.site.site_title = "목민"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(success_url="/"), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("mokmin.web.accounts.urls")),
    path("audit/", include("mokmin.web.audit.urls")),
    path("jobs/", include("mokmin.web.jobs.urls")),
    path("knowledge/", include("mokmin.web.knowledge.urls")),
    path("mileage/", include("mokmin.web.mileage.urls")),
    path("data/sources/", include("mokmin.web.connections.urls")),
    path("data/", include("mokmin.web.datahub.urls")),
    path("analysis/", include("mokmin.web.analysis.urls")),
    path("qa/", include("mokmin.web.qa.urls")),
    path("clubs/", include("mokmin.web.clubs.urls")),
    path("proposals/", include("mokmin.web.proposals.urls")),
    path("public/proposals/", include(public_proposals)),
    path("evaluation/", include("mokmin.web.evaluation.urls")),
    path("public/evaluation/", include(public_evaluation)),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("mokmin.web.core.urls")),
]
