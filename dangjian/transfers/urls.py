from django.urls import path

from dangjian.transfers import views

urlpatterns = [
    path("", views.transfer_list, name="transfer-list"),
    path("figures/", views.transfer_figures, name="transfer-figures"),
    path("receive-many/", views.transfer_receive_many, name="transfer-receive-many"),
    path("org/<int:org_pk>/batch/", views.transfer_batch, name="transfer-batch"),
    path("from-outside/", views.transfer_from_outside, name="transfer-from-outside"),
    path("person/<int:person_pk>/new/", views.transfer_new, name="transfer-new"),
    path("<int:pk>/", views.transfer_detail, name="transfer-detail"),
    path("<int:pk>/letter.docx", views.transfer_letter, name="transfer-letter"),
    path("<int:pk>/<str:action>/", views.transfer_act, name="transfer-act"),
]
