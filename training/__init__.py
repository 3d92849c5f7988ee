"""Training, data loading, hint simulation, losses and evaluation for the colorizer."""
