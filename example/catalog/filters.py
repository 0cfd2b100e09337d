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
