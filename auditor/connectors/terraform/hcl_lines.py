"""Where things are in a ``.tf`` file: blocks, their arguments and nested blocks, by line.

Not an HCL parser: a line scanner that knows enough of the syntax (strings, comments, heredocs,
brackets of expressions) to tell a block header (``provider "aws" {``, ``rule {``) from an
argument (``region = "us-east-1"``, ``policy = jsonencode({ ... })``) and to record the lines
each spans. That is all a report needs to point at the line a developer changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

_HEADER = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_-]*)((?:\s+(?:"[^"]*"|[A-Za-z_][A-Za-z0-9_-]*))*)\s*\{')
_ARGUMENT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=(?!=)")
_LABEL = re.compile(r'"([^"]*)"|([A-Za-z_][A-Za-z0-9_-]*)')
_HEREDOC = re.compile(r"<<-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")


@dataclass(slots=True)
class Argument:
    name: str
    start: int
    end: int


@dataclass(slots=True)
class Block:
    type: str
    labels: tuple[str, ...]
    start: int
    end: int = 0
    arguments: dict[str, Argument] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def children(self, type_: str) -> list[Block]:
        return [b for b in self.blocks if b.type == type_]

    def line_of(self, path: Sequence[str | int]) -> int:
        """The line of the argument or nested block at ``path`` (``["rule", 0, "destination", 0, "bucket"]``);
        the deepest line found when the rest of the path is not in the source (dynamic blocks, defaults)."""
        block: Block = self
        line = self.start
        parts = list(path)
        while parts:
            name = parts.pop(0)
            if not isinstance(name, str):
                continue
            index = 0
            if parts and isinstance(parts[0], int):
                index = int(parts.pop(0))
            nested = block.children(name)
            if nested:
                chosen = nested[index] if index < len(nested) else nested[0]
                block, line = chosen, chosen.start
                continue
            argument = block.arguments.get(name)
            return argument.start if argument is not None else line
        return line


def _code(line: str, state: list[str]) -> str:
    """The line with strings blanked and comments removed; ``state`` carries an open ``/* */`` comment."""
    out: list[str] = []
    i, n = 0, len(line)
    while i < n:
        if state:
            end = line.find("*/", i)
            if end < 0:
                return "".join(out)
            state.clear()
            i = end + 2
            continue
        ch = line[i]
        if ch == "#" or line.startswith("//", i):
            break
        if line.startswith("/*", i):
            state.append("*")
            i += 2
            continue
        if ch == '"':
            j = i + 1
            depth = 0
            while j < n:
                if line[j] == "\\":
                    j += 2
                    continue
                if line.startswith("${", j) or line.startswith("%{", j):
                    depth += 1
                    j += 2
                    continue
                if line[j] == "}" and depth:
                    depth -= 1
                elif line[j] == '"' and not depth:
                    break
                j += 1
            out.append('"' + "_" * max(j - i - 1, 0) + '"')
            i = j + 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _net(code: str) -> int:
    return sum(1 for c in code if c in "{[(") - sum(1 for c in code if c in "}])")


def parse(lines: Sequence[str]) -> list[Block]:
    """Top-level blocks of a file, with their nested blocks and arguments (lines are 1-based)."""
    root = Block("", (), 0)
    stack: list[Block] = [root]
    expr_depth = 0  # open brackets of the argument being read (its value spans lines)
    current: Argument | None = None
    comment: list[str] = []
    heredoc: str | None = None
    for number, raw in enumerate(lines, start=1):
        if heredoc is not None:
            if raw.strip() == heredoc:
                heredoc = None
                if current is not None and expr_depth == 0:
                    current.end, current = number, None
            continue
        code = _code(raw, comment)
        opener = _HEREDOC.search(code)
        if expr_depth > 0:
            expr_depth += _net(code)
            if expr_depth <= 0:
                expr_depth = 0
                if current is not None:
                    current.end, current = number, None
            if opener is not None:
                heredoc = opener.group(1)
            continue
        block = stack[-1]
        argument = _ARGUMENT.match(code)
        header = None if argument else _HEADER.match(code)
        if argument is not None:
            current = Argument(argument.group(1), number, number)
            block.arguments.setdefault(current.name, current)
            expr_depth = max(_net(code[argument.end():]), 0)
            if opener is not None:
                heredoc = opener.group(1)
            elif expr_depth == 0:
                current = None
            continue
        if header is not None:
            named = _HEADER.match(raw)  # labels from the raw line: strings are blanked in ``code``
            labels = tuple(a or b for a, b in _LABEL.findall(named.group(2))) if named is not None else ()
            new = Block(header.group(1), labels, number, number)
            block.blocks.append(new)
            rest = code[header.end():]
            if _net(rest) >= 0 and "}" not in rest:
                stack.append(new)
            continue
        closes = code.count("}") - code.count("{")
        while closes > 0 and len(stack) > 1:
            stack.pop().end = number
            closes -= 1
    for open_block in stack[1:]:
        open_block.end = len(lines)
    return root.blocks


def walk(blocks: Sequence[Block]) -> Iterator[Block]:
    for block in blocks:
        yield block
        yield from walk(block.blocks)


def find_line(lines: Sequence[str], start: int, end: int, pattern: re.Pattern[str]) -> int | None:
    """The first line in ``start..end`` (1-based, inclusive) matching ``pattern``."""
    for number in range(max(start, 1), min(end, len(lines)) + 1):
        if pattern.search(lines[number - 1]):
            return number
    return None
