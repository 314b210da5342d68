from django.urls import path

from mokmin.web.evaluation import action_views, ledger_views, public_views, views

app_name = "evaluation"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("new", views.session_new, name="new"),
    path("ledger/", ledger_views.ledger, name="ledger"),
    path("ledger/witnesses", ledger_views.witnesses, name="witnesses"),
    path("<str:session_id>/", views.session_detail, name="session"),
    path("<str:session_id>/act/<str:action>", action_views.act, name="act"),
]

public_urlpatterns = ([
    path("", public_views.published, name="published"),
    path("bundle.json", public_views.bundle, name="bundle"),
    path("<str:session_id>/", public_views.result, name="result"),
], "evaluation_public")
