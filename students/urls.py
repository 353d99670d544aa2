from django.urls import path

from . import views, views_import

app_name = "students"

urlpatterns = [
    path("mon-eligibilite/", views.my_eligibility, name="my-eligibility"),
    path("mon-eligibilite/accepter/<str:rule>/", views.acknowledge, name="acknowledge"),
    path("eleves/", views.student_list, name="student-list"),
    path("eleves/import/", views_import.import_facts, name="import"),
    path("eleves/import/modele.xlsx", views_import.import_template, name="import-template"),
    path("personnes/import/", views_import.import_staff, name="staff-import"),
    path("eleves/<int:pk>/", views.student_detail, name="student-detail"),
    path("eleves/<int:pk>/situation/", views.student_facts, name="student-facts"),
    path("eleves/<int:pk>/derogation/<str:rule>/", views.override, name="override"),
]
