// Subscription.on<Event><Model>: who may listen; an owner only receives events of their own records.
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
  if (!allowsOwn(who, 'listen')) {
    util.unauthorized();
  }
  const asked = ctx.args[CONFIG.ownerField] ?? null;
  if (asked !== null && !isCaller(who, asked)) {
    util.unauthorized();
  }
  const own = {};
  own[CONFIG.ownerField] = { in: who.owners };
  extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter(filter === null ? own : { and: [filter, own] }));
  return null;
}
