"""Explore queries (`adoption insight`): retention, lifecycle, stickiness and active people."""

from analytics.insight.command import insight_command, run_insight

__all__ = ["insight_command", "run_insight"]
