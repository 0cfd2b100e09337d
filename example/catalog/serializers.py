from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Category, Order, OrderLine, Product, Review, Tag


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug"]


class ProductSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    tags = serializers.SlugRelatedField(
        slug_field="slug", queryset=Tag.objects.all(), many=True, required=False
    )

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "slug",
            "category",
            "description",
            "price",
            "in_stock",
            "published",
            "tags",
            "created",
        ]
        read_only_fields = ["id", "published", "created"]


class ProductSearchSerializer(serializers.Serializer):
    """What `POST /api/products/search/` looks for: a read sent as POST, as many APIs do."""

    text = serializers.CharField(help_text="Words to find in the product's name or description.")
    max_price = serializers.DecimalField(
        max_digits=8, decimal_places=2, required=False, help_text="Maximum price (inclusive)."
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=50, default=10, help_text="At most this many products."
    )


class ReviewSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        model = Review
        fields = ["id", "author", "rating", "body", "created"]
        read_only_fields = ["id", "author", "created"]


class OrderLineSerializer(serializers.ModelSerializer):
    product = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = OrderLine
        fields = ["id", "product", "quantity", "unit_price"]


class OrderSerializer(serializers.ModelSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)
    total = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ["id", "status", "note", "created", "lines", "total"]
        read_only_fields = ["id", "created"]

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2))
    def get_total(self, order) -> str:
        total = sum((line.unit_price * line.quantity for line in order.lines.all()), Decimal("0.00"))
        return f"{total:.2f}"


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The file to take in.")
    note = serializers.CharField(required=False, help_text="A note kept with it.")


class UploadedSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The file name as it arrived.")
    size = serializers.IntegerField(help_text="Its size in bytes.")
    sha256 = serializers.CharField(help_text="The SHA-256 of its content, hex.")
    content_type = serializers.CharField(help_text="Its media type as it arrived.")
    note = serializers.CharField(allow_null=True, help_text="The note, or null.")


class EchoHeadersSerializer(serializers.Serializer):
    csrf_token = serializers.CharField(allow_null=True, help_text="Value of the X-CSRFToken header, or null.")
    accept_language = serializers.CharField(allow_null=True, help_text="Value of the Accept-Language header, or null.")
    idempotency_key = serializers.CharField(allow_null=True, help_text="Value of the Idempotency-Key header, or null.")


class EchoQuerySerializer(serializers.Serializer):
    raw_query = serializers.CharField(help_text="The query string exactly as received (still percent-encoded).")
    query = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Decoded query parameters, each name mapped to all of its values in order.",
    )
    request_tag = serializers.CharField(allow_null=True, help_text="Value of the X-Request-Tag header, or null.")


class EchoPathSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="The path segment after percent-decoding.")
    raw_uri = serializers.CharField(help_text="The request URI exactly as received (gunicorn's RAW_URI).")


class SlowSerializer(serializers.Serializer):
    slept = serializers.IntegerField()
