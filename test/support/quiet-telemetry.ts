// Tests read what the gateway logs through spies on the logger, not its output; metrics are off unless a test turns them on.
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
