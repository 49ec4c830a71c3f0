"""Forms of the legal assistant's pages (validation messages in Chinese; writes go through services)."""

from __future__ import annotations

from django import forms

from .models import TicketStatus


class AskForm(forms.Form):
    question = forms.CharField(
        label="你想问什么？",
        max_length=500,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "例如：他喝了酒就打我，我能申请什么保护？", "autocomplete": "off"}
        ),
        error_messages={"required": "请先输入你想问的问题。", "max_length": "问题太长了，请控制在500字以内。"},
    )
    # The conversation this question continues (held by the page, never in a cookie; see conversation.py).
    conversation = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)


class CallbackForm(forms.Form):
    phone = forms.CharField(
        label="回电号码", max_length=30, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})
    )
    safe_time = forms.CharField(
        label="什么时间给你打电话方便、安全？",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "例如：工作日中午12点到1点", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label="还想告诉我们什么（可不填）",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
    )
    consent = forms.BooleanField(label="我同意保存我的电话和问题，由 12338 热线工作人员给我回电。", required=False)
    question_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    question_text = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


class TopicGuideForm(forms.Form):
    title = forms.CharField(label="主题", max_length=100)
    guidance = forms.CharField(label="现在可以怎么做（每行一条）", widget=forms.Textarea(attrs={"rows": 8}))
    help = forms.CharField(label="求助渠道（每行一条）", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    is_active = forms.BooleanField(label="启用", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PhrasingForm(forms.Form):
    phrasings = forms.CharField(label="常见问法（每行一种）", widget=forms.Textarea(attrs={"rows": 10}))
    is_active = forms.BooleanField(label="启用", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CuratedAnswerForm(forms.Form):
    question = forms.CharField(label="问题", widget=forms.Textarea(attrs={"rows": 2}))
    answer = forms.CharField(label="解答", widget=forms.Textarea(attrs={"rows": 8}))
    citations = forms.CharField(label="引用条文（每行一条，如：民法典:1084）", widget=forms.Textarea(attrs={"rows": 4}))
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TicketForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=TicketStatus.choices)
    outcome = forms.CharField(label="处理情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)
