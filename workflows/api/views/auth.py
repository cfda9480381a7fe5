"""Tokens and the caller's own account."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from roles.models import RoleAssignment

from ..schema import BAD_REQUEST, ERROR, READ
from ..serializers import MeSerializer, TokenRequestSerializer, TokenSerializer


class TokenView(APIView):
    """Exchange a username and password for the token to send as `Authorization: Token …`."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def get_authenticate_header(self, request):
        return "Token"  # so a wrong password is 401, as DRF gives 403 when no scheme is announced

    @extend_schema(
        request=TokenRequestSerializer, auth=[],
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
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeView(APIView):
    """The caller and the roles they hold today."""

    @extend_schema(responses={200: MeSerializer, **READ})
    def get(self, request):
        user = request.user
        roles = RoleAssignment.objects.valid_on().filter(user=user).select_related("org_unit").order_by(
            "org_unit__path", "role")
        me = {"id": user.pk, "username": user.get_username(), "full_name": user.get_full_name(), "roles": roles}
        return Response(MeSerializer(me).data)
