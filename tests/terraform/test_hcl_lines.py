"""The ``.tf`` line scanner: blocks, arguments and nested blocks by line, and never a crash on odd input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.connectors.terraform.hcl_lines import parse, walk

SOURCE = '''\
# a comment with { braces }
provider "aws" {
  alias  = "dr" // trailing { comment
  region = "us-east-1"
}

resource "aws_s3_bucket_policy" "p" {
  bucket = "x"
  policy = jsonencode({
    Statement = [{
      Principal = "*"
      Resource  = "arn:aws:s3:::x/${var.prefix}}"
    }]
  })
}

resource "aws_s3_bucket_replication_configuration" "r" {
  rule {
    destination { bucket = "a" }
  }
  rule {
    /* block comment {
       still a comment } */
    destination {
      bucket = <<-EOT
        not { a block
      EOT
    }
  }
}
'''


def test_blocks_arguments_and_nested_blocks() -> None:
    lines = SOURCE.splitlines()
    provider, policy, replication = parse(lines)
    assert (provider.type, provider.labels, provider.start, provider.end) == ("provider", ("aws",), 2, 5)
    assert provider.arguments["region"].start == 4
    assert (policy.labels, policy.arguments["policy"].start, policy.arguments["policy"].end) == (
        ("aws_s3_bucket_policy", "p"), 9, 14)
    assert policy.end == 15 and not policy.blocks  # the object inside jsonencode is not a block
    assert [b.start for b in replication.children("rule")] == [18, 21]
    assert replication.line_of(["rule", 1, "destination", 0, "bucket"]) == 25
    assert replication.line_of(["rule", 0, "destination", 0]) == 19
    assert replication.line_of(["rule", 5, "nothing"]) == 18  # what is not in the source: the deepest line found
    assert replication.end == 30


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(['resource "a" "b" {', "}", "{", "x = {", "]", "[", 'y = "}"', "z = <<EOT", "EOT",
                                 "/*", "*/", "# {", "rule {", "a = 1", '"', "${", ""]), max_size=40)
       | st.lists(st.text(max_size=30), max_size=40))
def test_any_text_parses_with_lines_in_range(lines: list[str]) -> None:
    for block in walk(parse(lines)):
        assert 1 <= block.start <= max(len(lines), 1)
        assert block.start <= block.end <= max(len(lines), 1)
        for argument in block.arguments.values():
            assert 1 <= argument.start <= argument.end <= len(lines)
        assert 1 <= block.line_of(["rule", 0, "x"]) <= len(lines)
