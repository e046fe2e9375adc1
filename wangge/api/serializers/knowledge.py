"""Serializers of the knowledge base (知识库): articles with their versions, and the editors' write payload."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wangge.accounts.models import Unit
from wangge.knowledge.choices import ArticleStatus
from wangge.knowledge.models import Article, ArticleVersion
from wangge.workorders.models import Category


class ArticleSerializer(serializers.ModelSerializer[Article]):
    status = serializers.CharField(read_only=True, help_text=_("draft：草稿；published：已发布"))
    keywords = serializers.SerializerMethodField(help_text=_("常见问法与关键词"))
    category_code = serializers.CharField(source="category.code", read_only=True, allow_null=True, default=None)
    unit_code = serializers.CharField(source="unit.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Article
        fields = ["id", "title", "keywords", "answer", "category_code", "unit_code", "status", "version", "updated_at"]

    def get_keywords(self, obj: Article) -> list[str]:
        return obj.keyword_list()


class ArticleVersionSerializer(serializers.ModelSerializer[ArticleVersion]):
    status = serializers.CharField(read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = ArticleVersion
        fields = ["number", "title", "keywords", "answer", "status", "note", "created_at", "created_by"]


class ArticleDetailSerializer(ArticleSerializer):
    versions = ArticleVersionSerializer(many=True, read_only=True, help_text=_("全部版本，新版本在前"))

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "versions"]


class ArticleWriteSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    keywords = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("每行一个问法或关键词"))
    answer = serializers.CharField(max_length=20000)
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.filter(category_set__is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("事项分类编码"),
    )
    unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("主管部门单位编码"),
    )
    status = serializers.ChoiceField(choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", help_text=_("修订说明"))
    expected_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text=_("编辑所依据的版本号；已被他人修改时返回 409"),
    )


class ArticleQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text=_("按问题或关键词检索"))
