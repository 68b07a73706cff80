"""Benchmarks behind `monitor bench NAME`: each module has run(args) -> exit code and prints
its figures beside the reference they are compared with, in the same run."""
