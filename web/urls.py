from django.urls import path

from .views import audit, inbox, nominations, notifications, proposals

urlpatterns = [
    path("", inbox.inbox, name="home"),
    path("duplicates/<int:pk>/resolve/", inbox.duplicate_resolve, name="duplicate-resolve"),
    path("nominations/", nominations.nomination_list, name="nomination-list"),
    path("nominations/new/", nominations.nomination_create, name="nomination-create"),
    path("nominations/<int:pk>/", nominations.nomination_detail, name="nomination-detail"),
    path("nominations/<int:pk>/edit/", nominations.nomination_edit, name="nomination-edit"),
    path("nominations/<int:pk>/documents/", nominations.document_upload, name="document-upload"),
    path("nominations/<int:pk>/documents/<int:document_id>/", nominations.document_download, name="document-download"),
    path("nominations/<int:pk>/holds/", nominations.hold_place, name="hold-place"),
    path("nominations/<int:pk>/holds/<int:hold_id>/clear/", nominations.hold_clear, name="hold-clear"),
    path("nominations/<int:pk>/council-vote/", nominations.council_vote_record, name="council-vote"),
    path("nominations/<int:pk>/<slug:action>/", nominations.nomination_act, name="nomination-act"),
    path("notifications/", notifications.notification_list, name="notification-list"),
    path("notifications/read/", notifications.notifications_read, name="notifications-read"),
    path("proposals/", proposals.proposal_list, name="proposal-list"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/submit/", proposals.proposal_submit, name="proposal-submit"),
    path("proposals/<int:pk>/review/", proposals.proposal_review, name="proposal-review"),
    path("proposals/<int:pk>/resubmit/", proposals.proposal_resubmit, name="proposal-resubmit"),
    path("proposals/<int:pk>/import/", proposals.import_upload, name="proposal-import"),
    path("proposals/<int:pk>/import/template/", proposals.import_template, name="proposal-import-template"),
    path("proposals/<int:pk>/import/<int:batch>/", proposals.import_preview, name="proposal-import-preview"),
    path("proposals/<int:pk>/import/<int:batch>/confirm/", proposals.import_confirm, name="proposal-import-confirm"),
    path("audit/", audit.audit_events, name="audit-events"),
    path("audit/verify/", audit.audit_verify, name="audit-verify"),
    path("audit/export/", audit.audit_export, name="audit-export"),
]
