"""cognito-conformance: a protocol-faithful conformance harness for Amazon Cognito user pools."""

__version__ = "0.1.0"
