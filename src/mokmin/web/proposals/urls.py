from django.urls import path

from mokmin.web.proposals import debate_views, public_views, views

app_name = "proposals"
urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new", views.proposal_new, name="new"),
    path("<int:pk>/", views.proposal_detail, name="proposal"),
    path("<int:pk>/act/<str:action>", views.act, name="act"),
    path("<int:pk>/contact", views.reveal_contact, name="contact"),
    path("attachments/<int:pk>", views.attachment, name="attachment"),
    path("debates/", debate_views.debate_list, name="debates"),
    path("debates/new", debate_views.debate_new, name="debate_new"),
    path("debates/<int:pk>/", debate_views.debate_detail, name="debate"),
    path("debates/<int:pk>/act/<str:action>", debate_views.debate_act, name="debate_act"),
]

public_urlpatterns = ([
    path("", public_views.adopted, name="adopted"),
    path("new", public_views.submit, name="new"),
    path("status", public_views.status, name="status"),
    path("debates/<int:pk>", public_views.debate, name="debate"),
], "proposals_public")
