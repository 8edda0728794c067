"""Impact of the rollout on sales KPIs (staggered difference-in-differences) and pulse surveys."""
