"""The running example's second and third tools (SPEC 10): GitHub Copilot for the champions and
ChatGPT Enterprise for everyone, written as the vendors export them.

Same people, same waves: a vendor's active days are days on which the person also used the
coaching tool (UTC days of the clean event log), so the mixed rollout adds no active day and
every existing number of the running example stays as it was; the split by tool and the
licence funnel are what the files add.
"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl

COPILOT_FILE = "github_copilot_usage.ndjson"
COPILOT_SEATS_FILE = "github_copilot_seats.json"
CHATGPT_FILE = "chatgpt_enterprise_weekly.csv"
VENDOR_FILES = (COPILOT_FILE, COPILOT_SEATS_FILE, CHATGPT_FILE)
SEATS_FROM = dt.datetime(2026, 5, 25, 9, 0)  # seats assigned the week before launch


def with_github_logins(roster: pl.DataFrame) -> pl.DataFrame:
    """The roster with `github_login` for the champions (the Copilot users), null otherwise."""
    login = pl.col("email").str.split("@").list.first().str.replace_all(".", "-", literal=True)
    return roster.with_columns(
        pl.when(pl.col("is_champion")).then(login + "-gh").alias("github_login")
    )


def _person_days(events: pl.DataFrame, roster: pl.DataFrame) -> pl.DataFrame:
    """One row per roster person per UTC day with coaching-tool events: counts by kind."""
    people = roster.filter(pl.col("active")).select("user_id", "email", "is_champion")
    return (
        events.join(people, on="user_id", how="inner", suffix="_roster")
        .with_columns(pl.col("ts").dt.date().alias("day"))
        .group_by("user_id", "email_roster", "is_champion", "day")
        .agg(
            pl.len().alias("events"),
            (pl.col("kind") == "suggestion_shown").sum().alias("shown"),
            pl.col("accepted").fill_null(False).sum().alias("accepted"),
        )
        .rename({"email_roster": "email"})
        .sort("user_id", "day")
    )


def copilot_usage(events: pl.DataFrame, roster: pl.DataFrame) -> bytes:
    """The user-level usage NDJSON: one object per champion per day they were active."""
    logins = with_github_logins(roster).select("user_id", "github_login")
    days = _person_days(events, roster).filter(pl.col("is_champion")).join(logins, on="user_id")
    number = pl.col("user_id").str.slice(1).cast(pl.Int64) + 880_000
    usage = days.select(
        pl.col("day").cast(pl.String),
        number.alias("user_id"),
        pl.col("github_login").str.to_titlecase().alias("user_login"),
        (pl.col("events") // 3).alias("user_initiated_interaction_count"),
        (pl.col("shown") + 1).alias("code_generation_activity_count"),
        pl.col("accepted").alias("code_acceptance_activity_count"),
        (pl.col("shown") * 12).alias("loc_suggested_to_add_sum"),
        (pl.col("accepted") * 9).alias("loc_added_sum"),
        (pl.col("events") >= 3).alias("used_chat"),
        pl.lit(False).alias("used_agent"),
        pl.lit(False).alias("used_cli"),
        pl.concat_list(
            pl.struct(
                pl.lit("vscode").alias("ide"),
                (pl.col("shown") + 1).alias("code_generation_activity_count"),
                pl.col("accepted").alias("code_acceptance_activity_count"),
            )
        ).alias("totals_by_ide"),
    )
    return usage.write_ndjson().encode("utf-8")


def copilot_seats(roster: pl.DataFrame) -> bytes:
    """The seat list JSON: one seat per champion, assigned the week before launch."""
    champions = with_github_logins(roster).filter(pl.col("github_login").is_not_null())
    seats = champions.select(
        pl.lit(SEATS_FROM.isoformat() + "Z").alias("created_at"),
        pl.lit(None, pl.String).alias("pending_cancellation_date"),
        pl.struct(
            pl.col("github_login").alias("login"),
            (pl.col("user_id").str.slice(1).cast(pl.Int64) + 880_000).alias("id"),
        ).alias("assignee"),
    ).to_dicts()
    return (json.dumps({"total_seats": len(seats), "seats": seats}, indent=2) + "\n").encode()


def chatgpt_weekly(events: pl.DataFrame, roster: pl.DataFrame, last_day: dt.date) -> bytes:
    """The weekly user-engagement CSV: every active roster person holds a seat; a week with
    coaching-tool activity is a ChatGPT week too (first and last active day, message counts)."""
    days = _person_days(events, roster)
    weekly = days.group_by("email", pl.col("day").dt.truncate("1w").alias("period_start")).agg(
        pl.col("day").min().alias("first_day_active_in_period"),
        pl.col("day").max().alias("last_day_active_in_period"),
        (pl.col("events") * 2).sum().alias("messages"),
        pl.col("shown").sum().alias("gpt_messages"),
    )
    first, last = days["day"].min(), last_day - dt.timedelta(days=last_day.weekday() + 1)
    assert isinstance(first, dt.date)
    weeks = pl.DataFrame(
        {
            "period_start": pl.date_range(
                first - dt.timedelta(first.weekday()), last, "1w", eager=True
            )
        }
    ).filter(pl.col("period_start") + pl.duration(days=6) <= last)
    seats = roster.filter(pl.col("active")).select("email", "name")
    table = (
        seats.join(weeks, how="cross")
        .join(weekly, on=["email", "period_start"], how="left")
        .sort("period_start", "email")
    )
    return (
        table.select(
            "period_start",
            (pl.col("period_start") + pl.duration(days=6)).alias("period_end"),
            "email",
            "name",
            pl.col("first_day_active_in_period").is_not_null().cast(pl.Int8).alias("is_active"),
            "first_day_active_in_period",
            "last_day_active_in_period",
            pl.col("messages").fill_null(0),
            pl.col("gpt_messages").fill_null(0),
            pl.lit(0).alias("tool_messages"),
            pl.lit(0).alias("project_messages"),
        )
        .write_csv()
        .encode("utf-8")
    )
