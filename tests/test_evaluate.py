"""The IAM evaluator (`ampliform.iam.evaluate`), one table row per claim of its docstring.

Each row is (claim, statements, request, expected decision); `allow`/`deny` rows check the decision,
`UNSUPPORTED` rows check that the evaluator refuses rather than guesses. Semantics are AWS's documented ones
(IAM JSON policy elements: Condition, Condition operators, Resource, Policy variables); the differential test
(`test_evaluate_differential.py`) checks the same evaluator against `@cloud-copilot/iam-simulate`.
"""

from __future__ import annotations

from typing import Any

import pytest

from ampliform.iam.evaluate import Request, UnsupportedPolicy, evaluate, list_request, object_request

ARN = "arn:aws:s3:::bucket"
SUB = "cognito-identity.amazonaws.com:sub"
ME = "eu-west-1:11111111-1111-4111-8111-111111111111"
UNSUPPORTED = "unsupported"


def get(key: str, **context: Any) -> Request:
    return Request("s3:GetObject", f"{ARN}/{key}", context)


def listing(prefix: str | None, **context: Any) -> Request:
    ctx = dict(context)
    if prefix is not None:
        ctx["s3:prefix"] = prefix
    return Request("s3:ListBucket", ARN, ctx)


def allow(resource: Any = f"{ARN}/*", action: Any = "s3:GetObject", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(resource: Any = f"{ARN}/*", action: Any = "s3:GetObject", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def cond(operator: str, key: str, values: Any, **extra: Any) -> dict[str, Any]:
    return allow(ARN, "s3:ListBucket", Condition={operator: {key: values}}, **extra)


ROWS: list[tuple[str, list[dict[str, Any]], Request, str]] = [
    # --- decision logic
    ("a matching allow allows", [allow()], get("a"), "allow"),
    ("nothing matches: implicit deny", [allow(f"{ARN}/b/*")], get("a/x"), "deny"),
    ("no statements: implicit deny", [], get("a"), "deny"),
    ("an explicit deny wins over an earlier allow", [allow(), deny(f"{ARN}/a/*")], get("a/x"), "deny"),
    ("an explicit deny wins over a later allow", [deny(f"{ARN}/a/*"), allow()], get("a/x"), "deny"),
    ("a deny elsewhere does not matter", [allow(), deny(f"{ARN}/b/*")], get("a/x"), "allow"),
    # --- Action / NotAction
    ("actions match case-insensitively", [allow(action="S3:getobject")], get("a"), "allow"),
    ("action wildcard *", [allow(action="s3:Get*")], get("a"), "allow"),
    ("action wildcard ?", [allow(action="s3:GetObjec?")], get("a"), "allow"),
    ("another action does not match", [allow(action="s3:PutObject")], get("a"), "deny"),
    ("an action list matches any of its actions", [allow(action=["s3:PutObject", "s3:GetObject"])], get("a"), "allow"),
    ("NotAction matches every other action",
     [{"Effect": "Allow", "NotAction": "s3:PutObject", "Resource": f"{ARN}/*"}], get("a"), "allow"),
    ("NotAction does not match its own action",
     [{"Effect": "Allow", "NotAction": "s3:GetObject", "Resource": f"{ARN}/*"}], get("a"), "deny"),
    ("neither Action nor NotAction: refused", [{"Effect": "Allow", "Resource": f"{ARN}/*"}], get("a"), UNSUPPORTED),
    ("both Action and NotAction: refused", [allow(NotAction="s3:PutObject")], get("a"), UNSUPPORTED),
    # --- Resource / NotResource, per-segment matching
    ("resource * matches everything", [allow("*")], get("a"), "allow"),
    ("resource wildcard spans slashes", [allow(f"{ARN}/a/*")], get("a/b/c"), "allow"),
    ("resource ? is one character", [allow(f"{ARN}/a?c")], get("abc"), "allow"),
    ("resource ? is exactly one character", [allow(f"{ARN}/a?c")], get("abbc"), "deny"),
    ("resources are case-sensitive", [allow(f"{ARN}/A/*")], get("a/x"), "deny"),
    ("a resource list matches any", [allow([f"{ARN}/b/*", f"{ARN}/a/*"])], get("a/x"), "allow"),
    ("each segment may hold a wildcard", [allow("arn:*:s3:::bucket/*")], get("a"), "allow"),
    ("a segment wildcard never spans a colon", [allow("arn:aws:*:::b/*")],
     Request("s3:GetObject", "arn:aws:s3:x:::b/k"), "deny"),
    ("a resource-part wildcard spans colons", [allow("arn:aws:s3:::b/*")],
     Request("s3:GetObject", "arn:aws:s3:::b/k:x:y"), "allow"),
    ("the resource part keeps its colons", [allow(f"{ARN}/a:b/*")], get("a:b/c"), "allow"),
    ("NotResource matches other resources",
     [{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": f"{ARN}/b/*"}], get("a/x"), "allow"),
    ("NotResource does not match its own resources",
     [{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": f"{ARN}/a/*"}], get("a/x"), "deny"),
    ("neither Resource nor NotResource: refused",
     [{"Effect": "Allow", "Action": "s3:GetObject"}], get("a"), UNSUPPORTED),
    ("Principal in an identity policy: refused", [allow(Principal="*")], get("a"), UNSUPPORTED),
    ("an ARN with fewer than six parts: refused", [allow("arn:aws:s3")], get("a"), UNSUPPORTED),
    ("a placeholder ARN is matched as one string", [allow("<b.arn>/a/*")],
     Request("s3:GetObject", "<b.arn>/a/x"), "allow"),
    # --- policy variables
    ("a variable in a resource is replaced", [allow(f"{ARN}/u/${{{SUB}}}/*")], get(f"u/{ME}/f", **{SUB: ME}), "allow"),
    ("a variable binds one caller only", [allow(f"{ARN}/u/${{{SUB}}}/*")], get("u/other/f", **{SUB: ME}), "deny"),
    ("a missing variable matches nothing", [allow(f"{ARN}/u/${{{SUB}}}/*")], get(f"u/{ME}/f"), "deny"),
    ("variable names are case-insensitive", [allow(f"{ARN}/u/${{Cognito-Identity.amazonaws.com:SUB}}/*")],
     get(f"u/{ME}/f", **{SUB: ME}), "allow"),
    ("a variable's value is literal: its * is no wildcard", [allow(f"{ARN}/u/${{{SUB}}}/f")],
     get("u/xyz/f", **{SUB: "*"}), "deny"),
    ("a variable's * value matches a literal *", [allow(f"{ARN}/u/${{{SUB}}}/f")],
     get("u/*/f", **{SUB: "*"}), "allow"),
    ("a multi-valued variable matches nothing", [allow(f"{ARN}/u/${{{SUB}}}/*")],
     get("u/a/f", **{SUB: ["a", "b"]}), "deny"),
    ("${*} is a literal *", [allow(f"{ARN}/a${{*}}b")], get("a*b"), "allow"),
    ("${*} is no wildcard", [allow(f"{ARN}/a${{*}}b")], get("axxb"), "deny"),
    ("${?} is a literal ?", [allow(f"{ARN}/a${{?}}")], get("a?"), "allow"),
    ("${?} is no wildcard", [allow(f"{ARN}/a${{?}}")], get("ab"), "deny"),
    ("${$} is a literal $", [allow(f"{ARN}/a${{$}}{{x}}")], get("a${x}"), "allow"),
    ("a default value ${key, 'x'}: refused", [allow(f"{ARN}/u/${{aws:username, 'anon'}}/*")],
     get("u/anon/f"), UNSUPPORTED),
    ("a default value in a condition: refused", [cond("StringLike", "s3:prefix", "${aws:username, 'anon'}/*")],
     listing("anon/"), UNSUPPORTED),
    # --- condition keys: case-insensitive
    ("a mis-cased condition key is the same key", [cond("StringLike", "S3:Prefix", "a/*")], listing("a/"), "allow"),
    ("a mis-cased key in StringNotLike still excludes",
     [allow(ARN, "s3:ListBucket", Condition={"StringLike": {"s3:prefix": "a/*"},
                                             "StringNotLike": {"S3:PREFIX": "a/b/*"}})], listing("a/b/"), "deny"),
    ("context keys are case-insensitive", [cond("StringLike", "s3:prefix", "a/*")],
     Request("s3:ListBucket", ARN, {"S3:Prefix": "a/"}), "allow"),
    ("operator names are case-insensitive", [cond("stringlike", "s3:prefix", "a/*")], listing("a/"), "allow"),
    # --- string operators
    ("StringEquals equal", [cond("StringEquals", "s3:prefix", "a/")], listing("a/"), "allow"),
    ("StringEquals is case-sensitive", [cond("StringEquals", "s3:prefix", "a/")], listing("A/"), "deny"),
    ("StringEquals has no wildcards", [cond("StringEquals", "s3:prefix", "a/*")], listing("a/x"), "deny"),
    ("StringEquals * is literal", [cond("StringEquals", "s3:prefix", "a/*")], listing("a/*"), "allow"),
    ("StringEquals with a variable", [cond("StringEquals", "s3:prefix", f"${{{SUB}}}/")],
     listing(f"{ME}/", **{SUB: ME}), "allow"),
    ("StringNotEquals other", [cond("StringNotEquals", "s3:prefix", "a/")], listing("b/"), "allow"),
    ("StringNotEquals same", [cond("StringNotEquals", "s3:prefix", "a/")], listing("a/"), "deny"),
    ("StringEqualsIgnoreCase", [cond("StringEqualsIgnoreCase", "s3:prefix", "a/")], listing("A/"), "allow"),
    ("StringNotEqualsIgnoreCase", [cond("StringNotEqualsIgnoreCase", "s3:prefix", "a/")], listing("A/"), "deny"),
    ("StringLike *", [cond("StringLike", "s3:prefix", "a/*")], listing("a/b/c"), "allow"),
    ("StringLike ?", [cond("StringLike", "s3:prefix", "a?")], listing("ab"), "allow"),
    ("StringLike is case-sensitive", [cond("StringLike", "s3:prefix", "a/*")], listing("A/"), "deny"),
    ("StringLike values are ORed", [cond("StringLike", "s3:prefix", ["b/*", "a/*"])], listing("a/"), "allow"),
    ("StringNotLike none of the values", [cond("StringNotLike", "s3:prefix", ["b/*", "c/*"])], listing("a/"), "allow"),
    ("StringNotLike one of the values", [cond("StringNotLike", "s3:prefix", ["b/*", "a/*"])], listing("a/"), "deny"),
    ("StringLike with a missing variable matches nothing", [cond("StringLike", "s3:prefix", f"${{{SUB}}}/*")],
     listing("x/"), "deny"),
    ("StringNotLike with a missing variable is false", [cond("StringNotLike", "s3:prefix", f"${{{SUB}}}/*")],
     listing("x/"), "deny"),
    ("blocks are ANDed",
     [allow(ARN, "s3:ListBucket", Condition={"StringLike": {"s3:prefix": "a/*"},
                                             "StringNotLike": {"s3:prefix": "a/b/*"}})], listing("a/c/"), "allow"),
    ("blocks are ANDed (one fails)",
     [allow(ARN, "s3:ListBucket", Condition={"StringLike": {"s3:prefix": "a/*"},
                                             "StringNotLike": {"s3:prefix": "a/b/*"}})], listing("a/b/"), "deny"),
    ("keys in one block are ANDed",
     [allow(ARN, "s3:ListBucket", Condition={"StringLike": {"s3:prefix": "a/*", "aws:username": "bob"}})],
     listing("a/", **{"aws:username": "alice"}), "deny"),
    # --- ARN operators: per segment, wildcards in both
    ("ArnLike per segment", [cond("ArnLike", "aws:SourceArn", "arn:aws:iam::*:role/app-*")],
     listing("a/", **{"aws:SourceArn": "arn:aws:iam::123456789012:role/app-x"}), "allow"),
    ("ArnLike: a segment wildcard never spans a colon", [cond("ArnLike", "aws:SourceArn", "arn:aws:*:::x")],
     listing("a/", **{"aws:SourceArn": "arn:aws:iam:r:::x"}), "deny"),
    ("ArnLike: an ARN with fewer than six parts: refused", [cond("ArnLike", "aws:SourceArn", "arn:aws:*:role/a")],
     listing("a/", **{"aws:SourceArn": "arn:aws:iam::1:role/a"}), UNSUPPORTED),
    ("ArnEquals takes wildcards too", [cond("ArnEquals", "aws:SourceArn", "arn:aws:iam::*:role/app")],
     listing("a/", **{"aws:SourceArn": "arn:aws:iam::123456789012:role/app"}), "allow"),
    ("ArnEquals exact", [cond("ArnEquals", "aws:SourceArn", "arn:aws:iam::1:role/app")],
     listing("a/", **{"aws:SourceArn": "arn:aws:iam::1:role/app"}), "allow"),
    ("ArnEquals another account", [cond("ArnEquals", "aws:SourceArn", "arn:aws:iam::1:role/app")],
     listing("a/", **{"aws:SourceArn": "arn:aws:iam::2:role/app"}), "deny"),
    ("ArnLike: a request value that is not an ARN", [cond("ArnLike", "aws:SourceArn", "arn:aws:iam::*:role/*")],
     listing("a/", **{"aws:SourceArn": "role/app"}), "deny"),
    ("ArnNotLike other", [cond("ArnNotLike", "aws:SourceArn", "arn:aws:iam::1:*")],
     listing("a/", **{"aws:SourceArn": "arn:aws:iam::2:role/app"}), "allow"),
    ("ArnNotEquals same", [cond("ArnNotEquals", "aws:SourceArn", "arn:aws:iam::1:role/app")],
     listing("a/", **{"aws:SourceArn": "arn:aws:iam::1:role/app"}), "deny"),
    # --- Bool and Null
    ("Bool true", [cond("Bool", "aws:SecureTransport", "true")], listing("a/", **{"aws:SecureTransport": "true"}),
     "allow"),
    ("Bool is case-insensitive", [cond("Bool", "aws:SecureTransport", "TRUE")],
     listing("a/", **{"aws:SecureTransport": "true"}), "allow"),
    ("Bool takes JSON booleans", [cond("Bool", "aws:SecureTransport", False)],
     listing("a/", **{"aws:SecureTransport": "false"}), "allow"),
    ("Bool false against true", [cond("Bool", "aws:SecureTransport", "false")],
     listing("a/", **{"aws:SecureTransport": "true"}), "deny"),
    ("Null true: the key is absent", [cond("Null", "aws:username", "true")], listing("a/"), "allow"),
    ("Null true: present", [cond("Null", "aws:username", "true")], listing("a/", **{"aws:username": "x"}), "deny"),
    ("Null false: present", [cond("Null", "aws:username", False)], listing("a/", **{"aws:username": "x"}), "allow"),
    ("Null false: absent", [cond("Null", "aws:username", "false")], listing("a/"), "deny"),
    # --- absent keys
    ("absent key: plain operator false", [cond("StringLike", "s3:prefix", "*")], listing(None), "deny"),
    ("absent key: negated operator true", [cond("StringNotLike", "s3:prefix", "a/*")], listing(None), "allow"),
    ("absent key: ArnNotLike true", [cond("ArnNotLike", "aws:SourceArn", "arn:aws:iam::1:*")], listing(None),
     "allow"),
    ("absent key: IfExists true", [cond("StringLikeIfExists", "s3:prefix", "a/*")], listing(None), "allow"),
    ("present key: IfExists tests it", [cond("StringLikeIfExists", "s3:prefix", "a/*")], listing("b/"), "deny"),
    ("absent key: ForAllValues true", [cond("ForAllValues:StringLike", "aws:TagKeys", "a*")], listing("a/"), "allow"),
    ("absent key: ForAnyValue false", [cond("ForAnyValue:StringLike", "aws:TagKeys", "a*")], listing("a/"), "deny"),
    ("absent key: ForAnyValue with a negated operator false",
     [cond("ForAnyValue:StringNotLike", "aws:TagKeys", "a*")], listing("a/"), "deny"),
    ("absent key: ForAllValues with a negated operator true",
     [cond("ForAllValues:StringNotLike", "aws:TagKeys", "a*")], listing("a/"), "allow"),
    # --- set qualifiers
    ("ForAnyValue: one request value matches", [cond("ForAnyValue:StringLike", "amr", "authenticated")],
     listing("a/", amr=["cognito-idp", "authenticated"]), "allow"),
    ("ForAnyValue: no request value matches", [cond("ForAnyValue:StringLike", "amr", "authenticated")],
     listing("a/", amr=["unauthenticated"]), "deny"),
    ("ForAnyValue: a single string counts as one value", [cond("ForAnyValue:StringLike", "amr", "auth*")],
     listing("a/", amr="authenticated"), "allow"),
    ("ForAllValues: every request value matches", [cond("ForAllValues:StringLike", "aws:TagKeys", ["a*", "b*"])],
     listing("a/", **{"aws:TagKeys": ["ax", "bx"]}), "allow"),
    ("ForAllValues: one does not", [cond("ForAllValues:StringLike", "aws:TagKeys", ["a*"])],
     listing("a/", **{"aws:TagKeys": ["ax", "bx"]}), "deny"),
    ("ForAllValues: an empty set is true", [cond("ForAllValues:StringLike", "aws:TagKeys", ["a*"])],
     listing("a/", **{"aws:TagKeys": []}), "allow"),
    ("ForAnyValue: an empty set is false", [cond("ForAnyValue:StringLike", "aws:TagKeys", ["a*"])],
     listing("a/", **{"aws:TagKeys": []}), "deny"),
    ("a multi-valued key under a plain operator is false", [cond("StringLike", "amr", "authenticated")],
     listing("a/", amr=["authenticated"]), "deny"),
    ("a multi-valued key under a plain negated operator is false", [cond("StringNotLike", "amr", "x")],
     listing("a/", amr=["authenticated"]), "deny"),
    # --- refused
    ("an operator outside the list: refused", [cond("NumericLessThan", "s3:max-keys", "10")],
     listing("a/", **{"s3:max-keys": "5"}), UNSUPPORTED),
    ("an unknown qualifier: refused", [cond("ForSomeValues:StringLike", "s3:prefix", "a/*")], listing("a/"),
     UNSUPPORTED),
    ("a qualifier with IfExists: refused", [cond("ForAnyValue:StringLikeIfExists", "amr", "x")], listing("a/"),
     UNSUPPORTED),
]


@pytest.mark.parametrize(("statements", "request_", "expected"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_claim(statements, request_, expected):
    documents = [{"Version": "2012-10-17", "Statement": statements}]
    if expected == UNSUPPORTED:
        with pytest.raises(UnsupportedPolicy):
            evaluate(documents, request_)
        return
    decision = evaluate(documents, request_)
    assert decision.allowed == (expected == "allow"), decision


def test_the_table_names_every_claim_once():
    names = [r[0] for r in ROWS]
    assert len(names) == len(set(names))


def test_the_deciding_statement_and_document_are_reported():
    first, second = allow(f"{ARN}/a/*"), allow(f"{ARN}/*")
    blocker = deny(f"{ARN}/a/b/*")
    docs = [{"Statement": [first]}, {"Statement": [second, blocker]}]
    allowed = evaluate(docs, get("a/x"))
    assert allowed.allowed and allowed.statement == first and allowed.document == 0
    denied = evaluate(docs, get("a/b/x"))
    assert not denied.allowed and denied.statement == blocker and denied.document == 1
    assert denied.reason == "explicit deny"
    nothing = evaluate([{"Statement": [first]}], get("zz"))
    assert not nothing.allowed and nothing.statement is None and nothing.document is None


def test_a_single_statement_object_is_a_statement_list():
    assert evaluate([{"Statement": allow()}], get("a")).allowed


def test_request_builders():
    request = object_request("write", ARN, "a/b.txt", ME)
    assert request == Request("s3:PutObject", f"{ARN}/a/b.txt", {SUB: ME})
    assert object_request("get", ARN, "k").context == {}
    assert list_request(ARN, None).context == {}
    assert list_request(ARN, "", ME).context == {SUB: ME, "s3:prefix": ""}
