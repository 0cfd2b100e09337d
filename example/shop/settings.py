"""Settings for the example Shop API.

This is a test fixture, not a deployment: the secret key is public and fixed.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent  # example/

SECRET_KEY = "example-only-not-secret-spec2mcp-shop-0123456789abcdefghijklmnop"
DEBUG = os.environ.get("SHOP_DEBUG", "") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "oauth2_provider",
    "catalog",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SHOP_DB_PATH") or str(BASE_DIR / "db.sqlite3"),
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

REST_FRAMEWORK = {
    # TokenAuthentication first: an anonymous request to a protected endpoint gets
    # 401 with `WWW-Authenticate: Token` rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        # OAuth 2 access tokens from the authorization server below (django-oauth-toolkit).
        "oauth2_provider.contrib.rest_framework.OAuth2Authentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "catalog.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Shop API",
    "DESCRIPTION": "Example shop used by spec2mcp's end-to-end tests.",
    "VERSION": "1.0.0",
    # tests/versions/ holds the same schema as 3.1.0 and 3.2.0 (SHOP_OAS_VERSION), to show each
    # generates the same server.
    "OAS_VERSION": os.environ.get("SHOP_OAS_VERSION", "3.0.3"),
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    # The oauth2 security scheme of OAuth2Authentication: where clients get tokens.
    "OAUTH2_FLOWS": ["clientCredentials", "authorizationCode"],
    "OAUTH2_AUTHORIZATION_URL": "/o/authorize/",
    "OAUTH2_TOKEN_URL": "/o/token/",
    "OAUTH2_REFRESH_URL": "/o/token/",
    "OAUTH2_SCOPES": {"read": "Read your orders", "write": "Change the catalogue"},
}

# The example app is also an OAuth 2.1 authorization server (django-oauth-toolkit): the same
# users and scopes reach the API through spec2mcp's generated server. Short-lived tokens for the
# renewal tests come from SHOP_OAUTH_TOKEN_SECONDS.
OAUTH2_PROVIDER = {
    "SCOPES": {"read": "Read your orders", "write": "Change the catalogue"},
    "DEFAULT_SCOPES": ["read"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ.get("SHOP_OAUTH_TOKEN_SECONDS") or 3600),
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
}
LOGIN_URL = "/api-auth/login/"


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
