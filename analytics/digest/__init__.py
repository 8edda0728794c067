"""The weekly digest, its alerts and delivery, and the meeting pack (SPEC 12)."""
