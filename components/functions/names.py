"""Names: environment variables as Amplify spells them, physical names, and the longest each can be.

Contract:
- `bucket_env_name(storage_name)` is Amplify's ``<SCREAMING_SNAKE storage name>_BUCKET_NAME``
  (``myProjectFiles`` → ``MY_PROJECT_FILES_BUCKET_NAME``, ``files2go`` → ``FILES_2_GO_BUCKET_NAME``): lodash's
  ``snakeCase`` (its word splitting: case changes, acronyms, digits, separators), upper-cased — what
  ``@aws-amplify/platform-core``'s ``toScreamingSnakeCase`` does (checked against real Amplify in
  tests/reference/amplify/functions/bucket-env-names.json).
- `bucket_environment(definition, function)`: those variables for the buckets the function has rules on.
- `secret_env_name(secret)` is ``<SECRET>_PARAMETER``: the variable holding the SSM parameter's name.
- `lambda_name(text)` is a physical function name: `text` (the stack program gives ``<project>-<stack>-<name>``)
  with characters Lambda refuses replaced and cut to 64 characters (with a hash when cut); `log_group_name` and
  `parameter_name` derive from it. `LOG_GROUP_MAX` / `PARAMETER_MAX(secret)` are their longest lengths, what
  the budget counts.
"""

from __future__ import annotations

import hashlib
import re

from ampliform.definition.model import Definition
from ampliform.definition.storage import ResourceRule

LAMBDA_NAME_MAX = 64
LOG_GROUP_PREFIX = "/aws/lambda/"
LOG_GROUP_MAX = len(LOG_GROUP_PREFIX) + LAMBDA_NAME_MAX
PARAMETER_PREFIX = "/ampliform/"

_LOWER, _UPPER = "a-z", "A-Z"
_CONTRACTIONS_LOWER = "(?:['\u2019](?:d|ll|m|re|s|t|ve))?"
_CONTRACTIONS_UPPER = "(?:['\u2019](?:D|LL|M|RE|S|T|VE))?"
_BREAK = r"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\xbf\xd7\xf7]"
_WORDS = re.compile("|".join([
    f"[{_UPPER}]?[{_LOWER}]+{_CONTRACTIONS_LOWER}(?={_BREAK}|[{_UPPER}]|$)",
    f"[{_UPPER}]+{_CONTRACTIONS_UPPER}(?={_BREAK}|[{_UPPER}][{_LOWER}]|$)",
    f"[{_UPPER}]?[{_LOWER}]+{_CONTRACTIONS_LOWER}",
    f"[{_UPPER}]+{_CONTRACTIONS_UPPER}",
    r"\d*(?:1ST|2ND|3RD|(?![123])\dTH)(?=\b|[a-z_])",
    r"\d*(?:1st|2nd|3rd|(?![123])\dth)(?=\b|[A-Z_])",
    r"\d+",
]))
"""lodash's ``unicodeWords`` for ASCII text (bucket names are ASCII: letters, digits, `-`, `_`, spaces)."""


def words(text: str) -> list[str]:
    """The words lodash finds in `text`."""
    return _WORDS.findall(text)


def bucket_env_name(storage_name: str) -> str:
    """Amplify's environment variable holding a bucket's physical name."""
    return "_".join(w.lower() for w in words(storage_name)).upper() + "_BUCKET_NAME"


def secret_env_name(secret: str) -> str:
    """The environment variable holding the name of a secret's SSM parameter."""
    return f"{secret}_PARAMETER"


def lambda_name(text: str) -> str:
    """A physical Lambda function name (letters, digits, `-`, `_`; 64 characters at most)."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", text)
    if len(name) <= LAMBDA_NAME_MAX:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: LAMBDA_NAME_MAX - 9]}-{digest}"


def bucket_environment(definition: Definition, function: str) -> dict[str, str]:
    """Environment variable → bucket (friendly name), for each bucket where `function` has a `resource` rule."""
    return {bucket_env_name(b.name): b.name for b in definition.buckets
            if any(isinstance(r, ResourceRule) and r.resource == function
                   for rules in (b.access or {}).values() for r in rules)}


def log_group_name(physical: str) -> str:
    """The function's log group: Lambda's default name, created explicitly."""
    return LOG_GROUP_PREFIX + physical


def parameter_name(physical: str, secret: str) -> str:
    """The SSM parameter holding one secret of one function."""
    return f"{PARAMETER_PREFIX}{physical}/{secret}"


def parameter_max(secret: str) -> int:
    """The longest `parameter_name` of `secret` can be."""
    return len(PARAMETER_PREFIX) + LAMBDA_NAME_MAX + 1 + len(secret)
