"""The floor bench/api.py compares the platform's API with: Django + REST framework and nothing else.

An insert view and a list view on one small table of their own (``bench_bare_case``, created by
:func:`ensure_table`), no authentication, no scope, no audit, no model: a serializer validates the body, one
INSERT … RETURNING keeps it, and the list reads one page of the newest rows (no count: the floor). Served
only by the bench's generated settings (``ROOT_URLCONF = "bare_api"``), in front of the platform's own URLs,
so both run in the same gunicorn workers on the same database.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.urls import include, path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

TABLE = "bench_bare_case"
PAGE_SIZE = 50


def ensure_table(rows: int) -> int:
    """Create the table if missing and fill it up to ``rows`` rows; returns how many it holds."""
    with connection.cursor() as cur:
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            "id bigserial PRIMARY KEY, title varchar(200) NOT NULL, description text NOT NULL, "
            "lng double precision, lat double precision, created_at timestamptz NOT NULL DEFAULT now())"
        )
        cur.execute(f"SELECT count(*) FROM {TABLE}")
        have = int(cur.fetchone()[0])
        if have < rows:
            cur.execute(
                f"INSERT INTO {TABLE} (title, description, lng, lat, created_at) "
                "SELECT '基准工单 ' || g, '基准测试内容 ' || g, 112.2 + random() * 0.1, 35.6 + random() * 0.1, "
                "now() - (g || ' minutes')::interval FROM generate_series(%s, %s) AS g",
                [have + 1, rows],
            )
            cur.execute(f"ANALYZE {TABLE}")
            have = rows
    return have


class BareCaseIn(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)


class BareCaseOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    lng = serializers.FloatField(allow_null=True)
    lat = serializers.FloatField(allow_null=True)
    created_at = serializers.DateTimeField()


class BareCases(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        body = BareCaseIn(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {TABLE} (title, description, lng, lat) VALUES (%s, %s, %s, %s) "
                "RETURNING id, title, lng, lat, created_at",
                [d["title"], d["description"], d.get("lng"), d.get("lat")],
            )
            row = dict(zip(("id", "title", "lng", "lat", "created_at"), cur.fetchone(), strict=True))
        return Response(BareCaseOut(row).data, status=201)

    def get(self, request: Request) -> Response:
        page = max(1, int(request.query_params.get("page", 1)))
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT id, title, lng, lat, created_at FROM {TABLE} ORDER BY id DESC LIMIT %s OFFSET %s",
                [PAGE_SIZE, (page - 1) * PAGE_SIZE],
            )
            rows = [dict(zip(("id", "title", "lng", "lat", "created_at"), r, strict=True)) for r in cur.fetchall()]
        return Response({"page": page, "results": BareCaseOut(rows, many=True).data})


urlpatterns = [
    path("bare/cases/", BareCases.as_view()),
    path("", include("config.urls")),
]
