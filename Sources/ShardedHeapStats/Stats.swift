// Filled by the Stats issue.
