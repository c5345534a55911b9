# One image for the web process, the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation graphviz nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt package.json package-lock.json ./
# Runtime packages only (no pytest, Playwright or tooling: those are in requirements-dev.txt),
# each checked against its locked hash.
RUN pip install --no-cache-dir --require-hashes -r requirements.txt && npm ci --no-audit --no-fund
COPY . .
RUN mkdir -p static/build/govuk-assets \
    && cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js node_modules/htmx.org/dist/htmx.min.js static/build/ \
    && cp -r node_modules/govuk-frontend/dist/govuk/assets/images static/build/govuk-assets/ \
    && npx sass --load-path=node_modules --silence-deprecation=import --quiet-deps --style=compressed \
        --no-source-map static/scss/app.scss static/build/app.css \
    && DEBUG=false SECRET_KEY=build-only DATABASE_URL=sqlite:// python manage.py collectstatic --no-input --ignore scss
# /media holds board pack PDFs (a volume shared by web and worker), owned by the app user.
RUN useradd --create-home planner && mkdir -p /media && chown planner /media
USER planner
EXPOSE 8000
# Workers and threads: gunicorn.conf.py (3 gthread workers × 8 threads; WEB_CONCURRENCY,
# GUNICORN_THREADS), read from /app.
CMD ["gunicorn", "safeguarding.wsgi", "--bind", "0.0.0.0:8000"]
