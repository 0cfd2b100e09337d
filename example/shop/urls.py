from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("api/", include("catalog.urls")),
    # Not part of the schema itself (SERVE_INCLUDE_SCHEMA=False).
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
]
