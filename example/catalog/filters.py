import os

from django.core.exceptions import ImproperlyConfigured
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from .models import Product, Tag

TAG_HELP = "Tag slug; repeat the parameter to match any of several tags."


# drf-spectacular cannot follow `tags__slug` + `to_field_name` to the model field, so
# the item type is stated here; the filter is still documented as an exploded array.
@extend_schema_field({"type": "string", "description": TAG_HELP})
class TagSlugFilter(filters.ModelMultipleChoiceFilter):
    pass


class ProductFilter(filters.FilterSet):
    category = filters.CharFilter(field_name="category__slug", help_text="Category slug.")
    min_price = filters.NumberFilter(field_name="price", lookup_expr="gte", help_text="Minimum price (inclusive).")
    max_price = filters.NumberFilter(field_name="price", lookup_expr="lte", help_text="Maximum price (inclusive).")
    in_stock = filters.BooleanFilter(help_text="Only products that are (or are not) in stock.")
    # Multi-value: ?tag=eco&tag=gift matches products carrying ANY of the tags.
    tag = TagSlugFilter(field_name="tags__slug", to_field_name="slug", queryset=Tag.objects.all(), help_text=TAG_HELP)

    class Meta:
        model = Product
        fields = ["category", "min_price", "max_price", "in_stock", "tag"]


# Changed versions of ProductFilter, the kind of edit a developer makes to a live API. They
# exist only so that spec2mcp's drift tests have real drf-spectacular schemas of a changed
# app (tests/drift/schema-<variant>.yml). SHOP_SCHEMA_VARIANT picks one; unset (or empty)
# is today's app. Each subclass overrides only what its variant changes; a filter set to
# None is removed (django-filter, like Django forms, drops a declared field shadowed so).
class _RenamedProductFilter(ProductFilter):
    """`min_price` is renamed `price_min` (same meaning); the `category` help text changes."""

    category = filters.CharFilter(field_name="category__slug", help_text="Slug of the category.")
    min_price = None
    price_min = filters.NumberFilter(field_name="price", lookup_expr="gte", help_text="Minimum price (inclusive).")

    class Meta(ProductFilter.Meta):
        fields = ["category", "price_min", "max_price", "in_stock", "tag"]


class _RetypedProductFilter(ProductFilter):
    """`max_price` becomes a string filter: its schema type changes from number to string."""

    max_price = filters.CharFilter(
        field_name="price", lookup_expr="lte", help_text="Maximum price as a decimal string (inclusive)."
    )


class _RemovedProductFilter(ProductFilter):
    """`min_price` is removed."""

    min_price = None

    class Meta(ProductFilter.Meta):
        fields = ["category", "max_price", "in_stock", "tag"]


class _CompatibleProductFilter(ProductFilter):
    """A new optional filter `name_contains`; the `category` help text changes. Nothing else."""

    category = filters.CharFilter(field_name="category__slug", help_text="Slug of the category.")
    name_contains = filters.CharFilter(
        field_name="name",
        lookup_expr="icontains",
        help_text="Only products whose name contains this text (case-insensitive).",
    )

    class Meta(ProductFilter.Meta):
        fields = ["category", "name_contains", "min_price", "max_price", "in_stock", "tag"]


SCHEMA_VARIANTS = {
    "": ProductFilter,
    "renamed": _RenamedProductFilter,
    "retyped": _RetypedProductFilter,
    "removed": _RemovedProductFilter,
    "compatible": _CompatibleProductFilter,
}


def active_product_filter() -> type[filters.FilterSet]:
    """The products_list filter set for the SHOP_SCHEMA_VARIANT environment variable."""
    variant = os.environ.get("SHOP_SCHEMA_VARIANT", "")
    try:
        return SCHEMA_VARIANTS[variant]
    except KeyError:
        known = ", ".join(v for v in SCHEMA_VARIANTS if v)
        raise ImproperlyConfigured(f"SHOP_SCHEMA_VARIANT={variant!r} is not one of: {known} (or unset)") from None
