"""Create the example database from scratch, deterministically.

    python manage.py seed

Runs the migrations, empties every table (resetting id sequences), then loads the
fixed data below. Running it twice gives the same database. The credentials are
public test fixtures:

    user   password          staff  DRF token (send as "Authorization: Token <key>")
    alice  alice-password    yes    a11ce0000000000000000000000000000000a11c
    bob    bob-password      no     b0b00000000000000000000000000000000000b0

OAuth 2 clients of the authorization server (django-oauth-toolkit, /o/):

    client_id    secret               grant               acts as
    shop-agent   shop-agent-secret    client credentials  no user (an agent's own credentials)
    mcp-server   mcp-server-secret    client credentials  no user (introspects tokens)
    mcp-client   (public, PKCE)       authorization code  the user who signs in

(django-oauth-toolkit issues client-credentials tokens without a user.)
"""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from oauth2_provider.models import Application
from rest_framework.authtoken.models import Token

from catalog.models import Category, Order, OrderLine, Product, Review, Tag

USERS = [
    # username, password, is_staff, token key (40 chars)
    ("alice", "alice-password", True, "a11ce0000000000000000000000000000000a11c"),
    ("bob", "bob-password", False, "b0b00000000000000000000000000000000000b0"),
]

CATEGORIES = [
    ("books", "Books"),
    ("electronics", "Electronics"),
    ("garden", "Garden & Outdoors"),
]

TAGS = [("eco", "Eco-friendly"), ("gift", "Gift idea"), ("new", "New arrival"), ("sale", "On sale")]

# slug, name, category, price, in_stock, published, tags, description
PRODUCTS = [
    ("django-for-beginners", "Django for Beginners", "books", "39.00", True, True, ["new"],
     "Build websites with Python and Django."),
    ("rust-in-action", "Rust in Action", "books", "49.99", True, True, ["new", "gift"],
     "Systems programming concepts and techniques."),
    ("o-brien-ñ", "O'Brien ñ", "books", "12.50", False, True, ["sale"],
     "A novel whose name needs escaping in every layer."),
    ("usb-c-cable", "USB-C Cable", "electronics", "9.99", True, True, ["sale"],
     "One metre, braided."),
    ("noise-cancelling-headphones", "Noise-Cancelling Headphones", "electronics", "199.00", True, True, ["gift"],
     "Over-ear, 30 hours of battery."),
    ("mechanical-keyboard", "Mechanical Keyboard", "electronics", "89.50", False, True, ["new"],
     "Tactile switches, US layout."),
    ("watering-can", "Watering Can", "garden", "15.00", True, True, ["eco", "sale"],
     "Five litres, recycled plastic."),
    ("compost-bin", "Compost Bin", "garden", "45.00", True, True, ["eco"],
     "Three hundred litres."),
    ("solar-lamp", "Solar Garden Lamp", "garden", "24.99", True, False, ["eco", "gift"],
     "Draft: not published yet."),
]

# client_id, secret (None: public), grant, user, redirect URIs
OAUTH_CLIENTS = [
    ("shop-agent", "shop-agent-secret", Application.GRANT_CLIENT_CREDENTIALS, None, ""),
    ("mcp-server", "mcp-server-secret", Application.GRANT_CLIENT_CREDENTIALS, None, ""),
    ("mcp-client", None, Application.GRANT_AUTHORIZATION_CODE, None, "http://127.0.0.1/callback"),
]

# product slug, author, rating, body
REVIEWS = [
    ("o-brien-ñ", "alice", 5, "Wonderful — ñ and all."),
    ("o-brien-ñ", "bob", 4, "Good read."),
    ("rust-in-action", "bob", 5, "Clear and practical."),
]

# owner, status, note, [(product slug, quantity)]
ORDERS = [
    ("alice", "paid", "Gift wrap, please.", [("rust-in-action", 1), ("usb-c-cable", 2)]),
    ("alice", "pending", "", [("o-brien-ñ", 1)]),
    ("bob", "shipped", "Leave at the door.", [("noise-cancelling-headphones", 1)]),
]

EPOCH = datetime(2025, 1, 1, 12, 0, 0, tzinfo=timezone.utc)


class Command(BaseCommand):
    help = "Migrate and load the fixed example data (replaces whatever the database held)."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
        with transaction.atomic():
            self._load()
        self.stdout.write(
            f"seeded {Product.objects.count()} products, {Review.objects.count()} reviews, "
            f"{Order.objects.count()} orders"
        )

    def _load(self):
        tick = iter(EPOCH + timedelta(hours=i) for i in range(10_000))
        User = get_user_model()
        users = {}
        for username, password, staff, key in USERS:
            user = User.objects.create_user(
                username=username, password=password, email=f"{username}@example.com", is_staff=staff
            )
            Token.objects.create(user=user, key=key)
            users[username] = user
        for client_id, secret, grant, user, redirects in OAUTH_CLIENTS:
            Application.objects.create(
                name=client_id,
                client_id=client_id,
                client_secret=secret or "",
                client_type=Application.CLIENT_CONFIDENTIAL if secret else Application.CLIENT_PUBLIC,
                authorization_grant_type=grant,
                user=users[user] if user else None,
                redirect_uris=redirects,
                skip_authorization=True,
            )
        categories = {slug: Category.objects.create(slug=slug, name=name) for slug, name in CATEGORIES}
        tags = {slug: Tag.objects.create(slug=slug, label=label) for slug, label in TAGS}
        products = {}
        for slug, name, category, price, in_stock, published, tag_slugs, description in PRODUCTS:
            product = Product.objects.create(
                slug=slug,
                name=name,
                category=categories[category],
                price=Decimal(price),
                in_stock=in_stock,
                published=published,
                description=description,
                created=next(tick),
            )
            product.tags.set([tags[t] for t in tag_slugs])
            products[slug] = product
        for slug, author, rating, body in REVIEWS:
            Review.objects.create(
                product=products[slug], author=users[author], rating=rating, body=body, created=next(tick)
            )
        for owner, status, note, lines in ORDERS:
            order = Order.objects.create(owner=users[owner], status=status, note=note, created=next(tick))
            for slug, quantity in lines:
                OrderLine.objects.create(
                    order=order, product=products[slug], quantity=quantity, unit_price=products[slug].price
                )
