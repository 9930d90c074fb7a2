"""The parity tests use the AWS tests' moto server (one per session) and their environment."""

from tests.aws.conftest import aws, moto_endpoint

__all__ = ["aws", "moto_endpoint"]
