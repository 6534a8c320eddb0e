"""Property tests: for random rule sets, no caller is allowed anything the definition does not grant, and every
grant works — the resolvers (run under node) and the IAM grants against an oracle written from the rules'
definition (DESIGN: guest rules also hold for the identity pool's signed-in roles)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profile import tuned
from test_data_resolvers import ACCOUNT, ROLES, error_type, run

from ampliform.data.access import data_access
from ampliform.data.grants import graphql_fields as graphql_grants
from ampliform.data.model import resolve
from ampliform.data.names import ModelNames
from ampliform.data.validate import data_problems
from ampliform.definition.data import DataSpec

WORDS = ("create", "read", "update", "delete", "get", "list", "listen")
EXPANDS = {"read": ("get", "list", "listen")}
GROUPS = ("admin", "editor")

CALLERS = {
    "alice": {"userPools": {"sub": "sub-alice", "username": "alice"}},  # owns the record
    "bob": {"userPools": {"sub": "sub-bob", "username": "bob", "groups": ["editor"]}},
    "carol": {"userPools": {"sub": "sub-carol", "username": "carol", "groups": ["admin"]}},
    "guest": {"iam": {"role": ROLES.guest, "account": ACCOUNT}},
    "signed_in_iam": {"iam": {"role": ROLES.signed_in[0], "account": ACCOUNT}},
    "admin_iam": {"iam": {"role": ROLES.signed_in[1], "account": ACCOUNT}},
    "stranger_iam": {"iam": {"role": "unrelated-role", "account": ACCOUNT}},
}


def operations(rule: dict) -> set[str]:
    words = rule.get("to") or ("create", "update", "delete", "read")
    return {op for w in words for op in EXPANDS.get(w, (w,))}


def oracle(rules: list[dict], caller: str, op: str, owns: bool) -> bool:
    """May `caller` do `op` on a record (that they own when `owns`)? From the rules' definition only."""
    who = CALLERS[caller]
    pools = who.get("userPools")
    iam_role = who.get("iam", {}).get("role")
    for rule in rules:
        if op not in operations(rule):
            continue
        kind = rule["allow"]
        if kind == "owner" and pools and owns:
            return True
        identity_pool = rule.get("provider") in ("identityPool", "identity_pool")
        if kind == "authenticated" and not identity_pool and pools:
            return True
        if kind == "authenticated" and identity_pool and iam_role in ROLES.signed_in:
            return True
        if kind == "guest" and (iam_role == ROLES.guest or iam_role in ROLES.signed_in):
            return True
        if kind == "groups" and pools and set(pools.get("groups", ())) & set(rule["groups"]):
            return True
    return False


def _no_read_with_its_parts(words: list[str]) -> bool:
    return "read" not in words or not {"get", "list", "listen"} & set(words)


def to_lists(allow_empty_default: bool) -> st.SearchStrategy:
    some = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True).filter(_no_read_with_its_parts)
    return st.one_of(st.none(), some) if allow_empty_default else some


@st.composite
def rule_sets(draw) -> list[dict]:
    """Valid rule sets: each role at most once (Amplify rejects a repeated role), `read` not mixed with its
    parts (Amplify rejects that too)."""
    rules: list[dict] = []
    if draw(st.booleans()):
        rule = {"allow": "owner"}
        if (to := draw(to_lists(True))) is not None:
            rule["to"] = to
        rules.append(rule)
    kinds = draw(st.lists(st.sampled_from(("authenticated", "identity_pool", "guest", "groups")), max_size=3,
                          unique=True))
    groups_left = list(GROUPS)
    for kind in kinds:
        rule = {"allow": "authenticated" if kind == "identity_pool" else kind}
        to = draw(to_lists(kind != "guest"))
        if to is not None:
            rule["to"] = to
        if kind == "identity_pool":
            rule["provider"] = draw(st.sampled_from(("identityPool", "identity_pool")))
        elif kind == "authenticated" and draw(st.booleans()):
            rule["provider"] = "userPools"
        if kind == "groups":
            rule["groups"] = draw(st.lists(st.sampled_from(groups_left), min_size=1, max_size=2, unique=True))
        rules.append(rule)
    if not rules:
        rules.append({"allow": "guest", "to": draw(to_lists(False))})
    return rules


def spec_of(rules: list[dict]) -> DataSpec:
    spec = DataSpec.model_validate({"models": {"Item": {"fields": {"content": "string"}, "authorization": rules}}})
    assert data_problems(spec, GROUPS) == []
    return spec


RECORD = {"id": "r1", "__typename": "Item", "content": "c", "owner": "sub-alice::alice",
          "createdAt": "2025-01-01T00:00:00.000Z", "updatedAt": "2025-01-01T00:00:00.000Z"}


@tuned(20)
@given(rule_sets())
def test_resolvers_allow_exactly_what_the_rules_grant(rules):
    spec = spec_of(rules)
    steps, expected = [], []
    for caller, identity in CALLERS.items():
        owns = caller == "alice"
        steps += [
            {"reset": "Item"},
            {"seed": {"Item": [RECORD]}},
            {"call": "Query.getItem", "as": identity, "args": {"id": "r1"}},
            {"call": "Query.listItems", "as": identity, "args": {}},
            {"subscribe": "Subscription.onCreateItem", "as": identity, "args": {}, "events": [RECORD]},
            {"call": "Mutation.updateItem", "as": identity, "args": {"input": {"id": "r1", "content": caller}}},
            {"seed": {"Item": [RECORD]}},
            {"call": "Mutation.deleteItem", "as": identity, "args": {"input": {"id": "r1"}}},
            {"call": "Mutation.createItem", "as": identity, "args": {"input": {"content": "new"}}},
        ]
        expected.append((caller, owns))
    results = run(spec, steps)
    for i, (caller, owns) in enumerate(expected):
        _, _, get, listed, listen, update, _, delete, create = results[i * 9:(i + 1) * 9]
        context = (caller, rules)
        assert (error_type(get) is None) == oracle(rules, caller, "get", owns), context
        all_items, own_items = oracle(rules, caller, "list", False), oracle(rules, caller, "list", True)
        if not own_items:
            assert error_type(listed) == "Unauthorized", context
        else:
            assert listed["error"] is None, context
            ids = [item["id"] for item in listed["data"]["items"]]
            assert ids == (["r1"] if all_items or owns else []), context
        if oracle(rules, caller, "listen", True):
            assert listen["error"] is None, context
            assert listen["delivered"] == [oracle(rules, caller, "listen", owns)], context
        else:
            assert error_type(listen) == "Unauthorized", context
        assert (error_type(update) is None) == oracle(rules, caller, "update", owns), context
        assert (error_type(delete) is None) == oracle(rules, caller, "delete", owns), context
        assert (error_type(create) is None) == oracle(rules, caller, "create", True), context


@tuned(200)
@given(rule_sets())
def test_iam_grants_cover_exactly_the_operations_iam_callers_may_call(rules):
    spec = spec_of(rules)
    access = data_access(spec)
    names = ModelNames("Item")
    for kind, caller in (("guest", "guest"), ("signed_in", "signed_in_iam"), ("signed_in", "admin_iam")):
        granted = {f for f in graphql_grants(resolve(spec), access, kind) if f[1] != "*"}
        allowed = {f for op in ("create", "update", "delete", "get", "list", "listen")
                   if oracle(rules, caller, op, False) for f in names.fields_of(op)}
        assert granted == allowed, (kind, rules)
