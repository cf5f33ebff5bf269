from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language

from tongban.api.main import api
from tongban.utils import views as util_views

urlpatterns = [
    path("healthz", util_views.healthz, name="healthz"),
    path("readyz", util_views.readyz, name="readyz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("accounts/", include("tongban.accounts.urls")),
    path("workbench/cases/", include("tongban.cases.urls_workbench")),
    path("workbench/payments/", include("tongban.payments.urls_workbench")),
    path("workbench/ratings/", include("tongban.ratings.urls_workbench")),
    path("workbench/servicedesk/", include("tongban.servicedesk.urls_workbench")),
    path("workbench/", include("tongban.workbench.urls")),
    path("o/", include("tongban.sso.urls")),
    path("licenses/", include("tongban.licenses.urls")),
    path("admin/", admin.site.urls),
    path("cases/", include("tongban.cases.urls")),
    path("payments/", include("tongban.payments.urls")),
    path("logistics/", include("tongban.logistics.urls")),
    path("ratings/", include("tongban.ratings.urls")),
    path("servicedesk/", include("tongban.servicedesk.urls")),
    # Blank forms and samples of the catalogue are public documents. Only that folder is served here;
    # in production a reverse proxy may serve it instead (docs/operations.md).
    re_path(r"^media/catalogue/(?P<path>.+)$", util_views.catalogue_document),
    path("", include("tongban.portal.urls")),
]

handler404 = "tongban.utils.views.not_found"
handler403 = "tongban.utils.views.permission_denied"
handler500 = "tongban.utils.views.server_error"
