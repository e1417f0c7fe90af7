"""Documents the dashboard produces: the monthly monitoring report and the provider investigation pack.

They read the published snapshot (never the live store) through `queries.run`, and the work store for
review state and the dashboard's own use, so they can be built while the pipeline is writing.
"""
