"""Pure data shared by every stage of the pipeline. No I/O here."""
