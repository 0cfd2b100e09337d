import hashlib
import time

from django.db.models import Prefetch, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from oauth2_provider.contrib.rest_framework import IsAuthenticatedOrTokenHasScope
from rest_framework import filters, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .filters import active_product_filter
from .models import Category, Order, OrderLine, Product, Review
from .serializers import (
    CategorySerializer,
    EchoHeadersSerializer,
    EchoPathSerializer,
    EchoQuerySerializer,
    UploadedSerializer,
    UploadSerializer,
    ErrorDetailSerializer,
    OrderSerializer,
    ProductSearchSerializer,
    ProductSerializer,
    ReviewSerializer,
    SlowSerializer,
)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Product categories."""

    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    lookup_field = "slug"
    filter_backends = []


@extend_schema_view(
    list=extend_schema(summary="List products", description="Published products (staff also see drafts)."),
    create=extend_schema(
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Makes a retried create safe: a key already seen is not created twice.",
            )
        ]
    ),
    retrieve=extend_schema(summary="Get one product by its slug"),
)
class ProductViewSet(viewsets.ModelViewSet):
    """Products. Anyone can read published products; staff can write and see drafts."""

    serializer_class = ProductSerializer
    lookup_field = "slug"
    filterset_class = active_product_filter()  # SHOP_SCHEMA_VARIANT (catalog/filters.py)
    search_fields = ["name", "description"]
    ordering_fields = ["name", "price", "created"]
    ordering = ["name"]

    def get_permissions(self):
        if self.action in ("reviews", "publish", "search"):
            return super().get_permissions()  # the action's own permission_classes
        # AllowAny (not a custom "staff or read-only" class) so that drf-spectacular
        # documents anonymous access (`{}` in the operation's security).
        if self.request.method in permissions.SAFE_METHODS:
            return [permissions.AllowAny()]
        return [permissions.IsAdminUser()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular's schema pass: no request user
            return Product.objects.none()
        qs = Product.objects.select_related("category").prefetch_related("tags")
        if not self.request.user.is_staff:
            qs = qs.filter(published=True)
        return qs

    @extend_schema(
        methods=["GET"],
        summary="Reviews of a product",
        description="All reviews of one published product, oldest first (a plain JSON array, not paginated).",
        responses=ReviewSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Review a product",
        request=ReviewSerializer,
        responses={201: ReviewSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=None,
        filter_backends=[],
        permission_classes=[permissions.IsAuthenticatedOrReadOnly],
    )
    def reviews(self, request, slug=None):
        product = self.get_object()
        if request.method == "POST":
            serializer = ReviewSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            serializer.save(product=product, author=request.user)
            return Response(serializer.data, status=status.HTTP_201_CREATED)
        reviews = product.reviews.select_related("author")
        return Response(ReviewSerializer(reviews, many=True).data)

    @extend_schema(
        summary="Search products",
        description="Published products whose name or description contains the text, cheapest first.",
        request=ProductSearchSerializer,
        responses=ProductSerializer(many=True),
    )
    @action(
        detail=False,
        methods=["post"],
        pagination_class=None,
        filter_backends=[],
        permission_classes=[permissions.AllowAny],
    )
    def search(self, request):
        query = ProductSearchSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        wanted = query.validated_data
        found = self.get_queryset().filter(
            Q(name__icontains=wanted["text"]) | Q(description__icontains=wanted["text"])
        )
        if "max_price" in wanted:
            found = found.filter(price__lte=wanted["max_price"])
        found = found.order_by("price", "name")[: wanted["limit"]]
        return Response(ProductSerializer(found, many=True).data)

    @extend_schema(
        summary="Publish a draft product",
        request=None,
        responses={
            200: ProductSerializer,
            409: OpenApiResponse(ErrorDetailSerializer, description="The product is already published."),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAdminUser])
    def publish(self, request, slug=None):
        product = self.get_object()
        if product.published:
            return Response({"detail": "Product is already published."}, status=status.HTTP_409_CONFLICT)
        product.published = True
        product.save(update_fields=["published"])
        return Response(ProductSerializer(product).data)


class MyOrderViewSet(viewsets.ReadOnlyModelViewSet):
    """The authenticated caller's own orders."""

    serializer_class = OrderSerializer
    # Any signed-in user; an OAuth access token also needs the `read` scope.
    permission_classes = [IsAuthenticatedOrTokenHasScope]
    required_scopes = ["read"]
    filter_backends = [filters.SearchFilter]
    search_fields = ["note"]
    queryset = Order.objects.none()  # for the schema generator; get_queryset is per user

    def get_queryset(self):
        return Order.objects.filter(owner=self.request.user).prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("product"))
        )


class EchoQueryView(APIView):
    """Echoes how query parameters and a header arrived, for encoding tests."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="echo_query",
        summary="Echo query parameters and the X-Request-Tag header",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, OpenApiParameter.QUERY, description="Any text."),
            OpenApiParameter(
                "tags",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                many=True,
                explode=True,
                description="Repeated parameter: tags=a&tags=b.",
            ),
            OpenApiParameter(
                "kinds",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                many=True,
                explode=False,
                description="Comma-separated parameter (form, not exploded): kinds=a,b.",
            ),
            OpenApiParameter(
                "n",
                {"type": "integer", "minimum": -100, "maximum": 100},
                OpenApiParameter.QUERY,
                description="An integer from -100 to 100.",
            ),
            OpenApiParameter(
                "code",
                {"type": "string", "pattern": "^[A-Z]{3}$"},
                OpenApiParameter.QUERY,
                description="Three capital letters.",
            ),
            OpenApiParameter(
                "X-Request-Tag", OpenApiTypes.STR, OpenApiParameter.HEADER, description="Echoed back as request_tag."
            ),
        ],
        responses=EchoQuerySerializer,
    )
    def get(self, request):
        return Response(
            {
                "raw_query": request.META.get("QUERY_STRING", ""),
                "query": {key: request.query_params.getlist(key) for key in request.query_params},
                "request_tag": request.headers.get("X-Request-Tag"),
            }
        )


class UploadView(APIView):
    """Takes a file upload (multipart/form-data only) and says what arrived; keeps nothing."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="uploads_create",
        summary="Upload a file",
        request=UploadSerializer,
        responses={201: UploadedSerializer},
    )
    def post(self, request):
        serializer = UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        content = upload.read()
        return Response(
            {
                "name": upload.name,
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
                "content_type": upload.content_type,
                "note": serializer.validated_data.get("note"),
            },
            status=status.HTTP_201_CREATED,
        )


class EchoHeadersView(APIView):
    """Echoes transport headers (CSRF token, language, idempotency key) a client cannot know."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="echo_headers",
        summary="Echo the transport headers of the request",
        parameters=[
            OpenApiParameter("X-CSRFToken", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("Accept-Language", OpenApiTypes.STR, OpenApiParameter.HEADER),
            OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER),
        ],
        responses=EchoHeadersSerializer,
    )
    def get(self, request):
        return Response(
            {
                "csrf_token": request.headers.get("X-CSRFToken"),
                "accept_language": request.headers.get("Accept-Language"),
                "idempotency_key": request.headers.get("Idempotency-Key"),
            }
        )


class EchoPathView(APIView):
    """Echoes a path segment, decoded and as received, for encoding tests."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="echo_path",
        summary="Echo one path segment",
        parameters=[
            OpenApiParameter(
                "value",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Any text; reserved characters must arrive percent-encoded.",
            ),
        ],
        responses=EchoPathSerializer,
    )
    def get(self, request, value):
        # gunicorn puts the undecoded request-target in RAW_URI; other servers may not.
        raw_uri = request.META.get("RAW_URI") or request.META.get("REQUEST_URI") or request.get_full_path()
        return Response({"value": value, "raw_uri": raw_uri})


class SlowView(APIView):
    """Sleeps, for timeout tests."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="slow",
        summary="Sleep for a few seconds, then answer",
        parameters=[
            OpenApiParameter(
                "seconds", OpenApiTypes.INT, OpenApiParameter.QUERY, required=True, description="0 to 10."
            ),
        ],
        responses={200: SlowSerializer, 400: ErrorDetailSerializer},
    )
    def get(self, request):
        try:
            seconds = int(request.query_params.get("seconds", ""))
        except ValueError:
            return Response({"detail": "seconds must be an integer."}, status=status.HTTP_400_BAD_REQUEST)
        if not 0 <= seconds <= 10:
            return Response({"detail": "seconds must be between 0 and 10."}, status=status.HTTP_400_BAD_REQUEST)
        time.sleep(seconds)
        return Response({"slept": seconds})
