"""Tokens and the caller's own account."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.auth import TokenAuthentication
from knox.models import get_token_model
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from roles.models import RoleAssignment

from .. import examples
from ..schema import BAD_REQUEST, ERROR, READ
from ..serializers import MeSerializer, TokenRequestSerializer, TokenSerializer
from ..tokens import revoke_all


class TokenView(APIView):
    """Exchange a username and password for a new token to send as `Authorization: Token …`.

    The key is shown this once: the database keeps its digest (django-rest-knox). It expires `API_TOKEN_TTL` after
    its issue, and dies earlier at a password change, at the web logout, or at POST /api/auth/logout/ (this token)
    or /api/auth/logout-all/ (every token of the caller)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def get_authenticate_header(self, request):
        return "Token"  # so a wrong password is 401, as DRF gives 403 when no scheme is announced

    @extend_schema(
        operation_id="create_token", request=TokenRequestSerializer, auth=[],
        examples=[examples.TOKEN_REQUEST, examples.TOKEN],
        responses={200: TokenSerializer, 400: BAD_REQUEST,
                   401: OpenApiResponse(ERROR, description="Sai tên đăng nhập hoặc mật khẩu."),
                   429: OpenApiResponse(ERROR, description="Tạm khóa sau nhiều lần đăng nhập sai.")},
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The request goes along so login throttling (django-axes) can count failures and lock out; it marks
        # the request it was given (this one, so its middleware leaves the JSON answer alone).
        user = authenticate(request=request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if getattr(request, "axes_locked_out", False):
            raise Throttled(detail=_("Tài khoản tạm bị khóa do đăng nhập sai nhiều lần; hãy thử lại sau."))
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("Tên đăng nhập hoặc mật khẩu không đúng."))
        instance, key = get_token_model().objects.create(user, expiry=settings.API_TOKEN_TTL)
        return Response(TokenSerializer({"token": key, "expiry": instance.expiry}).data)


REVOKED = OpenApiResponse(description="Đã thu hồi.")


class LogoutView(APIView):
    """Revoke the token this request carries; the caller's other tokens keep working."""

    authentication_classes = [TokenAuthentication]  # a browser's session has no token to revoke: 401

    @extend_schema(operation_id="revoke_token", request=None, responses={204: REVOKED, **READ})
    def post(self, request):
        request.auth.delete()
        return Response(status=204)


class LogoutAllView(APIView):
    """Revoke every token of the caller, this one included (a lost device, a leaked script)."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(operation_id="revoke_all_tokens", request=None, responses={204: REVOKED, **READ})
    def post(self, request):
        revoke_all(request.user)
        return Response(status=204)


class MeView(APIView):
    """The caller and the roles they hold today."""

    @extend_schema(operation_id="get_me", responses={200: MeSerializer, **READ}, examples=[examples.ME])
    def get(self, request):
        user = request.user
        roles = RoleAssignment.objects.valid_on().filter(user=user).select_related("org_unit").order_by(
            "org_unit__path", "role")
        me = {"id": user.pk, "username": user.get_username(), "full_name": user.get_full_name(), "roles": roles}
        return Response(MeSerializer(me).data)
