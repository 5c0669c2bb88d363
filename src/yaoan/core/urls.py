from django.urls import path

from yaoan.core import (
    views,
    views_admin,
    views_deadlines,
    views_documents,
    views_files,
    views_inbox,
    views_org,
    views_workflows,
)
from yaoan.core.org_imports import GRID_IMPORT
from yaoan.core.pii import views as pii_views
from yaoan.core.tabular.views import import_urls

app_name = "core"

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/otp/", views.otp_verify_view, name="otp_verify"),
    path("accounts/otp/enrol/", views.otp_enrol_view, name="otp_enrol"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/password/", views.password_change_view, name="password_change"),
    path("home/", views.home_view, name="home"),
    path("me/sessions/", views.sessions_view, name="sessions"),
    path("me/sessions/<int:pk>/end/", views.session_end_view, name="session_end"),
    path("me/tokens/", views.api_tokens_view, name="api_tokens"),
    path("me/tokens/<int:pk>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
    path("audit/", views_admin.audit_list_view, name="audit_list"),
    path("audit/export/", views_admin.audit_export_view, name="audit_export"),
    path(
        "pii/<str:label>/<int:pk>/<str:field>/reveal/",
        pii_views.reveal_view,
        name="pii_reveal",
    ),
    path("admin-users/", views_admin.user_list_view, name="user_list"),
    path("admin-users/new/", views_admin.user_create_view, name="user_create"),
    path("admin-users/<int:pk>/", views_admin.user_detail_view, name="user_detail"),
    path("org/", views_org.org_tree_view, name="org_tree"),
    path("org/units/new/", views_org.org_unit_create_view, name="org_unit_create"),
    path("org/units/<int:pk>/", views_org.org_unit_edit_view, name="org_unit_edit"),
    path("org/subdistricts/new/", views_org.subdistrict_create_view, name="subdistrict_create"),
    path("org/subdistricts/<int:pk>/", views_org.subdistrict_edit_view, name="subdistrict_edit"),
    *import_urls(GRID_IMPORT, "org/subdistricts/import/"),
    path("calendar/", views_admin.calendar_view, name="calendar"),
    path("calendar/rules/<slug:code>/", views_admin.deadline_rule_view, name="deadline_rule"),
    path("attachments/<int:pk>/", views_files.attachment_view, name="attachment"),
    path("notifications/", views_inbox.notifications_view, name="notifications"),
    path("notifications/read/", views_inbox.notifications_read_view, name="notifications_read"),
    path(
        "notifications/<int:pk>/open/",
        views_inbox.notification_open_view,
        name="notification_open",
    ),
    path("deadlines/", views_deadlines.my_deadlines_view, name="my_deadlines"),
    path("deadlines/unit/", views_deadlines.unit_deadlines_view, name="unit_deadlines"),
    path("deadlines/<int:pk>/", views_deadlines.deadline_detail_view, name="deadline_detail"),
    path(
        "deadlines/<int:pk>/extension/",
        views_deadlines.extension_request_view,
        name="deadline_extension_request",
    ),
    path(
        "deadlines/<int:pk>/extension/<int:extension_pk>/decide/",
        views_deadlines.extension_decide_view,
        name="deadline_extension_decide",
    ),
    path("deadlines/<int:pk>/suspend/", views_deadlines.suspend_view, name="deadline_suspend"),
    path("deadlines/<int:pk>/resume/", views_deadlines.resume_view, name="deadline_resume"),
    path("workflows/", views_workflows.workflows_view, name="workflows"),
    path(
        "documents/templates/",
        views_documents.document_template_list_view,
        name="document_template_list",
    ),
    path(
        "documents/templates/<str:code>/",
        views_documents.document_template_view,
        name="document_template",
    ),
    path(
        "documents/templates/<str:code>/revert/",
        views_documents.document_template_revert_view,
        name="document_template_revert",
    ),
    path(
        "documents/templates/<str:code>/<slug:which>.docx",
        views_documents.document_template_download_view,
        name="document_template_download",
    ),
    path(
        "documents/<int:pk>/download/",
        views_documents.document_download_view,
        name="document_download",
    ),
]
