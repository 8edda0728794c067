"""Explore queries (`adoption insight`): retention, lifecycle, stickiness and active people."""

from analytics.insight.command import insight_command, run_insight
from analytics.insight.query import InsightError, InsightQuery, query_from_argv

__all__ = ["InsightError", "InsightQuery", "insight_command", "query_from_argv", "run_insight"]
