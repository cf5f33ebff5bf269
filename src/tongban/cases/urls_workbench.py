"""Workbench pages of cases, mounted at ``/workbench/cases/`` (see ``tongban.urls``)."""

from django.urls import path

from tongban.cases.views import workbench, workbench_walkin

app_name = "cases_workbench"

urlpatterns = [
    path("", workbench.inbox, name="inbox"),
    path("tasks/<int:task_id>/", workbench.task_page, name="task"),
    path(
        "tasks/<int:task_id>/materials/<int:material_id>/",
        workbench.material_file,
        name="material_file",
    ),
    path("walk-in/", workbench_walkin.walk_in, name="walk_in"),
]
