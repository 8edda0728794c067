"""`make bench`: large generated scenarios, timings and peak memory, ours beside a reference."""
