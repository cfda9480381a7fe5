"""/api/: the REST API, its OpenAPI document and the browsable docs (served without a CDN)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .exceptions import not_found
from .views import audit, auth, catalog, duplicates, holds, nominations, notifications, personal_data, proposals, review

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # GET only: its OPTIONS answer went through the page's HTML renderer without a template (a 500).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema", http_method_names=["get", "head"]),
         name="api-docs"),
    path("auth/token/", auth.TokenView.as_view(), name="api-token"),
    path("auth/logout/", auth.LogoutView.as_view(), name="api-logout"),
    path("auth/logout-all/", auth.LogoutAllView.as_view(), name="api-logout-all"),
    path("me/", auth.MeView.as_view(), name="api-me"),
    path("org-units/", catalog.OrgUnitList.as_view(), name="api-org-units"),
    path("awards/", catalog.AwardList.as_view(), name="api-awards"),
    path("rounds/", catalog.RoundList.as_view(), name="api-rounds"),
    path("movements/", catalog.MovementList.as_view(), name="api-movements"),
    path("nominations/", nominations.NominationListCreate.as_view(), name="api-nominations"),
    path("nominations/<int:pk>/", nominations.NominationDetail.as_view(), name="api-nomination"),
    path("nominations/<int:pk>/documents/", nominations.DocumentListCreate.as_view(), name="api-documents"),
    path("nominations/<int:pk>/documents/<int:document_id>/file/", nominations.DocumentFile.as_view(),
         name="api-document-file"),
    path("nominations/<int:pk>/route/", nominations.RouteView.as_view(), name="api-route"),
    path("nominations/<int:pk>/events/", nominations.NominationEvents.as_view(), name="api-nomination-events"),
    path("nominations/<int:pk>/actions/<str:action>/", review.ActionView.as_view(), name="api-action"),
    path("nominations/<int:pk>/council-vote/", review.CouncilVoteView.as_view(), name="api-council-vote"),
    path("nominations/<int:pk>/holds/", holds.HoldListCreate.as_view(), name="api-holds"),
    path("nominations/<int:pk>/holds/<int:hold_id>/clear/", holds.HoldClear.as_view(), name="api-hold-clear"),
    path("nominations/<int:pk>/personal-data/", personal_data.PersonalDataView.as_view(), name="api-personal-data"),
    path("inbox/", review.InboxView.as_view(), name="api-inbox"),
    path("duplicates/", duplicates.DuplicateList.as_view(), name="api-duplicates"),
    path("duplicates/<int:pk>/resolve/", duplicates.DuplicateResolve.as_view(), name="api-duplicate-resolve"),
    path("audit/events/", audit.AuditEvents.as_view(), name="api-audit-events"),
    path("audit/export/", audit.AuditExport.as_view(), name="api-audit-export"),
    path("audit/verify/", audit.AuditVerify.as_view(), name="api-audit-verify"),
    path("notifications/", notifications.NotificationList.as_view(), name="api-notifications"),
    path("notifications/unread-count/", notifications.UnreadCount.as_view(), name="api-notifications-unread"),
    path("notifications/read/", notifications.MarkRead.as_view(), name="api-notifications-read"),
    path("proposals/", proposals.ProposalListCreate.as_view(), name="api-proposals"),
    path("proposals/<int:pk>/", proposals.ProposalDetail.as_view(), name="api-proposal"),
    path("proposals/<int:pk>/items/", proposals.ProposalItems.as_view(), name="api-proposal-items"),
    path("proposals/<int:pk>/new-items/", proposals.ProposalNewItems.as_view(), name="api-proposal-new-items"),
    path("proposals/<int:pk>/documents/", proposals.ProposalDocuments.as_view(), name="api-proposal-documents"),
    path("proposals/<int:pk>/submit/", proposals.ProposalSubmit.as_view(), name="api-proposal-submit"),
    path("proposals/<int:pk>/review/", proposals.ProposalReview.as_view(), name="api-proposal-review"),
    path("proposals/<int:pk>/resubmit/", proposals.ProposalResubmit.as_view(), name="api-proposal-resubmit"),
    path("proposals/<int:pk>/import/template/", proposals.ProposalImportTemplate.as_view(),
         name="api-proposal-import-template"),
    path("proposals/<int:pk>/import/", proposals.ProposalImport.as_view(), name="api-proposal-import"),
    path("proposals/<int:pk>/import/<int:batch>/confirm/", proposals.ProposalImportConfirm.as_view(),
         name="api-proposal-import-confirm"),
    path("inbox/proposals/", proposals.ProposalInbox.as_view(), name="api-inbox-proposals"),
    path("decisions/", proposals.DecisionList.as_view(), name="api-decisions"),
    re_path(r"^.*$", not_found),
]
