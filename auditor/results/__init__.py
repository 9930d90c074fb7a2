"""Stage 4: what a run means — the gate's exit code, diffs and the run history."""
