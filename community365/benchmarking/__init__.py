"""对标 — benchmarking the communities against the model."""
