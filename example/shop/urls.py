from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("api/", include("catalog.urls")),
    # The authorization server (django-oauth-toolkit): /o/authorize/, /o/token/, /o/introspect/…
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    # A session login for the authorization-code flow's consent step.
    path("api-auth/", include("rest_framework.urls")),
    # Not part of the schema itself (SERVE_INCLUDE_SCHEMA=False).
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
]
