"""What tests and benchmarks use to start the servers for real: not part of what is deployed."""
