// First step of a custom operation: may the caller call it (CONFIG.step.roles: the operation's rules)? A
// function granted `allow: resource` for the operation's root type may.
export function request(ctx) {
  const who = callerOf(ctx);
  const roles = CONFIG.step.roles;
  if (!isAdminOf(who, CONFIG.step.root) && !roles.some((role) => staticMatch(role, who))) {
    util.unauthorized();
  }
  return { payload: null };
}

export function response(ctx) {
  return ctx.prev.result ?? null;
}
