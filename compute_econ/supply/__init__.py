"""compute_econ.supply: why compute is scarce (placeholder; filled at integration)."""
