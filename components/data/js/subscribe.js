// Subscription.on<Event><Model>: who may listen; a caller a dynamic rule lets in only receives events of the
// records that rule gives them (a subscription filter on the owner or group field).
export function request(ctx) {
  return { payload: null };
}

export function response(ctx) {
  const who = callerOf(ctx);
  const filter = ctx.args.filter ?? null;
  if (allowsAll(who, 'listen')) {
    if (filter !== null) {
      extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter(filter));
    }
    return null;
  }
  requireSome(who, 'listen');
  const alternatives = [];
  for (const role of rolesFor('listen').filter((r) => !r.static)) {
    const mine = role.strategy === 'owner' ? claimValues(who, role.claim) : groupsOf(who, role.claim);
    const asked = ctx.args[role.entity] ?? null;
    if (asked !== null && mine.indexOf(asked) < 0) {
      util.unauthorized();
    }
    if (role.many) {
      for (const value of mine) {
        const condition = {};
        condition[role.entity] = { contains: value };
        alternatives.push(condition);
      }
    } else if (mine.length > 0) {
      const condition = {};
      condition[role.entity] = { in: mine };
      alternatives.push(condition);
    }
  }
  if (alternatives.length === 0) {
    util.unauthorized();
  }
  const own = alternatives.length === 1 ? alternatives[0] : { or: alternatives };
  extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter(filter === null ? own : { and: [filter, own] }));
  return null;
}
