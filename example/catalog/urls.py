from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("categories", views.CategoryViewSet, basename="category")
router.register("products", views.ProductViewSet, basename="product")
router.register("me/orders", views.MyOrderViewSet, basename="my-order")

urlpatterns = [
    path("echo/", views.EchoQueryView.as_view(), name="echo-query"),
    path("echo-headers/", views.EchoHeadersView.as_view(), name="echo-headers"),
    # `.+` (not `[^/]+`): a value with an encoded slash arrives decoded in PATH_INFO
    # and must still match as one segment.
    re_path(r"^echo/(?P<value>.+)/$", views.EchoPathView.as_view(), name="echo-path"),
    path("slow/", views.SlowView.as_view(), name="slow"),
    path("uploads/", views.UploadView.as_view(), name="uploads"),
    *router.urls,
]
