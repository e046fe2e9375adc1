"""智能建议准确率 in the API (read-only; wired by wangge.api.urls as a path): per month the suggested category's
top-1 and top-3 accuracy and the suggested unit taken, the acceptance per suggested category and the
classifier's monthly retrains, within the requester's territory."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from wangge.api.base import ApiView
from wangge.intel import selectors
from wangge.intel.choices import SuggestionStep


class AccuracyQuerySerializer(serializers.Serializer[Any]):
    months = serializers.IntegerField(required=False, default=12, min_value=1, max_value=selectors.MAX_MONTHS)
    step = serializers.ChoiceField(choices=SuggestionStep.choices, required=False, default="")
    until = serializers.RegexField(
        r"^\d{4}-\d{2}$", required=False, default="", help_text="截至月份 YYYY-MM（默认当前）"
    )


class MonthAccuracySerializer(serializers.Serializer[Any]):
    month = serializers.DateField(help_text="月份（该月第一天）")
    records = serializers.IntegerField(help_text="给出建议的次数")
    judged = serializers.IntegerField(help_text="其中已选定分类的次数（命中率的分母）")
    top1 = serializers.IntegerField(help_text="首选建议命中次数")
    top3 = serializers.IntegerField(help_text="前三建议命中次数")
    changed = serializers.IntegerField(help_text="改选为其他分类的次数")
    units_suggested = serializers.IntegerField(help_text="有建议单位且已选定单位的次数")
    units_taken = serializers.IntegerField(help_text="采纳建议单位的次数")
    top1_rate = serializers.FloatField(allow_null=True)
    top3_rate = serializers.FloatField(allow_null=True)
    unit_rate = serializers.FloatField(allow_null=True)


class CategoryAcceptanceSerializer(serializers.Serializer[Any]):
    category_id = serializers.IntegerField(allow_null=True)
    code = serializers.CharField()
    name = serializers.CharField()
    suggested = serializers.IntegerField(help_text="作为首选建议且已选定分类的次数")
    accepted = serializers.IntegerField(help_text="其中采纳（选定该分类或其下级分类）的次数")
    changed = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="采纳率")


class RetrainSerializer(serializers.Serializer[Any]):
    month = serializers.DateField()
    decision = serializers.CharField(help_text="replaced / kept / no_champion / too_few")
    decision_label = serializers.CharField()
    champion_version = serializers.CharField()
    challenger_version = serializers.CharField()
    champion_macro_f1 = serializers.FloatField(allow_null=True)
    challenger_macro_f1 = serializers.FloatField(allow_null=True)
    champion_accuracy = serializers.FloatField(allow_null=True)
    challenger_accuracy = serializers.FloatField(allow_null=True)
    n_train = serializers.IntegerField()
    n_test = serializers.IntegerField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class AccuracySerializer(serializers.Serializer[Any]):
    months = MonthAccuracySerializer(many=True)
    categories = CategoryAcceptanceSerializer(many=True)
    retrains = RetrainSerializer(many=True)


class SuggestionAccuracyView(ApiView):
    @extend_schema(
        summary="智能建议准确率",
        description="受理登记和派遣时给出的分类建议与最终选定分类的比较：按月的首选、前三命中率和建议单位采纳率，"
        "按首选建议分类的采纳率，以及分类模型的月度重训结果。只统计您管辖范围内的工单；"
        "限指挥中心、督查、领导和管理员。",
        parameters=[AccuracyQuerySerializer],
        responses=AccuracySerializer,
    )
    def get(self, request: Request) -> Response:
        if not selectors.may_read_report(request.user):
            raise PermissionDenied()
        query = AccuracyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        data = selectors.report(request.user, months=params["months"], step=params["step"], until=params["until"])
        body = {
            "months": [m.as_dict() for m in data["months"]],
            "categories": [c.as_dict() for c in data["categories"]],
            "retrains": [selectors.retrain_as_dict(r) for r in data["retrains"]],
        }
        return Response(body)
