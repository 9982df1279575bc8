"""« Téléphone simulé »: what a subscribed phone displays now, in SIMULATION mode only."""
