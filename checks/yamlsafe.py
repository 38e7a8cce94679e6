"""What a YAML scalar means to mamori, for every YAML file a user gives it.

PyYAML implements YAML 1.1, whose implicit typing surprises people: ``22:22`` is the
base-60 number 1342, ``017`` the octal 15, ``0x1F`` 31, ``1_000`` 1000, ``=`` a special
"value" tag. mamori reads every YAML file (inventories, rules, config, waivers) with the
resolver and scalar constructors below instead, so a value means what a person wrote:

- integers are decimal digits only (``017`` is 17); ``22:22``, ``0x1F``, ``0o17`` and
  ``1_000`` stay text, so an attribute that wants a number refuses them with its key and
  line instead of reading another number;
- floats are decimal (``10.5``, ``1e3``); NaN, infinity and numbers too large for a
  double are refused;
- text may not contain control characters or lone surrogates (``"\\e"``, ``"\\ud800"``);
- YAML's binary, set, omap and pairs types are refused;
- booleans keep YAML's words (true/false, yes/no, on/off): a text attribute refuses a
  boolean, so ``certificate: no`` is never read as the reference "no".

It also holds the guard every YAML reader runs on the composed node tree before
building anything: aliases expanding past :data:`MAX_NODES` ("billion laughs"), a node
containing itself, and nesting deeper than :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from mamori.checks.text import input_problem

#: Most nodes a document may hold once aliases are expanded.
MAX_NODES = 2_000_000
#: Deepest nesting of mappings and lists in any YAML file mamori reads.
MAX_DEPTH = 100
#: Longest integer literal accepted (digits); longer ones are refused, not parsed.
MAX_INT_DIGITS = 30

_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|"
                    r"[-+]?[0-9]+[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_DIGITS = "0123456789"


class YamlTooLarge(ValueError):
    """A document too large once aliases expand, too deep, or containing itself."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class StrictResolver(yaml.resolver.BaseResolver):
    """YAML implicit typing without the YAML 1.1 number surprises (module docstring)."""


def _full(pattern: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(f"^(?:{pattern.pattern})$")


def _install_resolvers() -> None:
    # YAML's own resolvers for booleans, null, timestamps and merge keys; ours for numbers.
    # Nothing else resolves implicitly (PyYAML's "=" value tag and "!"/"&"/"*" yaml tag).
    kept = {f"tag:yaml.org,2002:{t}" for t in ("bool", "null", "timestamp", "merge")}
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
        for tag, regexp in resolvers:
            if tag in kept:
                StrictResolver.add_implicit_resolver(tag, regexp, [first])
    StrictResolver.add_implicit_resolver("tag:yaml.org,2002:int", _full(_INT),
                                         list("-+" + _DIGITS))
    StrictResolver.add_implicit_resolver("tag:yaml.org,2002:float", _full(_FLOAT),
                                         list("-+." + _DIGITS))


_install_resolvers()


def _refuse(node: yaml.Node, problem: str) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(None, None, problem, node.start_mark)


class StrictScalars(yaml.constructor.SafeConstructor):
    """SafeConstructor whose numbers are decimal and finite and whose text is clean."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        """A decimal integer (also under an explicit ``!!int`` tag)."""
        text = str(self.construct_scalar(node)).strip()
        if not _INT.fullmatch(text):
            raise _refuse(node, f"'{text}' is not a decimal integer")
        if len(text.lstrip("+-")) > MAX_INT_DIGITS:
            raise _refuse(node, f"integer with more than {MAX_INT_DIGITS} digits")
        return int(text, 10)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        """A finite decimal number; NaN and infinity are refused."""
        text = str(self.construct_scalar(node)).strip()
        try:
            value = float(text)
        except ValueError:
            if text.lower().lstrip("+-") not in (".inf", ".nan"):
                raise _refuse(node, f"'{text}' is not a decimal number") from None
            value = math.nan
        if not math.isfinite(value):
            raise _refuse(node, "NaN and infinity are not accepted: write a number")
        return value

    def construct_yaml_str(self, node: yaml.ScalarNode) -> str:
        """Text without control characters or lone surrogates."""
        value = str(self.construct_scalar(node))
        problem = input_problem(value)
        if problem is not None:
            raise _refuse(node, f"text {problem}")
        return value


    def construct_unsupported(self, node: yaml.Node) -> Any:
        """YAML's binary, set, ordered-map and pairs types have no meaning in mamori."""
        raise _refuse(node, f"the YAML type {node.tag.rsplit(':', 1)[-1]} is not accepted "
                      "(write text, numbers, booleans, dates, lists and mappings)")


# (The stubs bind add_constructor to PyYAML's own loader classes, hence the ignores.)
for _tag in ("binary", "set", "omap", "pairs"):
    StrictScalars.add_constructor(f"tag:yaml.org,2002:{_tag}",  # type: ignore[type-var]
                                  StrictScalars.construct_unsupported)
for _tag, _constructor in (("int", StrictScalars.construct_yaml_int),
                           ("float", StrictScalars.construct_yaml_float),
                           ("str", StrictScalars.construct_yaml_str)):
    StrictScalars.add_constructor(f"tag:yaml.org,2002:{_tag}",  # type: ignore[type-var]
                                  _constructor)


def check_tree(root: yaml.Node, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> None:
    """Refuse alias bombs, self-containing nodes and deep nesting before building.

    Nodes are counted with aliases expanded, memoized per node, so the check itself is
    linear in the document's text; it walks iteratively, so depth cannot exhaust the
    Python stack.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > max_nodes:
                raise YamlTooLarge(f"document too large once aliases are expanded (more "
                                   f"than {max_nodes} nodes)", _line(node))
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YamlTooLarge("recursive alias: a node contains itself", _line(node))
        if depth > max_depth:
            raise YamlTooLarge(f"nested more than {max_depth} levels deep", _line(node))
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in _children(node)
                     if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class StrictLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                   yaml.composer.Composer, StrictScalars, StrictResolver):
    """PyYAML's pure-Python parser with mamori's scalars: the reference loader."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        StrictScalars.__init__(self)
        StrictResolver.__init__(self)


#: The loader to use: libyaml's parser (several times faster, and it refuses nesting past
#: 1,000 levels in C, where the pure-Python scanner slows down quadratically) when PyYAML
#: was built with it, else :class:`StrictLoader`.
FastLoader: type[Any] = StrictLoader
if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class StrictCLoader(CParser, StrictScalars, StrictResolver):
        """libyaml's parser with mamori's scalars."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            StrictScalars.__init__(self)
            StrictResolver.__init__(self)

    FastLoader = StrictCLoader
