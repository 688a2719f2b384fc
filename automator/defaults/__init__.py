"""Default templates and rules shipped with the package (mapped from the top-level templates/ and rules/)."""
