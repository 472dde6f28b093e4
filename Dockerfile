# The portal's production image: one image for web (gunicorn), worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# xmlsec1: pysaml2 checks every SAML signature with it (institutional sign-in).
RUN apt-get update && apt-get install -y --no-install-recommends xmlsec1 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 sigportal
COPY pyproject.toml README.md ./
COPY . .
RUN pip install . && pip install -e . --no-deps

# Static files are collected at build time and served by whitenoise; a throwaway key is enough for that step.
RUN DEBUG=false SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-0123456789abcdef \
    ALLOWED_HOSTS=build python manage.py collectstatic --no-input \
 && mkdir -p /app/var && chown -R sigportal /app/var

USER sigportal
EXPOSE 8000
CMD ["gunicorn", "sigportal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
