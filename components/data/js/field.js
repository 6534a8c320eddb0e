// <Model>.<field>: a field some readers of the model may not read (field-level rules: the caller gets an
// error and a null value, as Amplify), and owner fields shown as their user names (`<sub>::<username>` is
// stored). In a mutation's result a protected field is null, so subscriptions never carry it (Amplify's rule).
export function request(ctx) {
  return { payload: null };
}

function shown(value) {
  if (typeof value !== 'string') {
    return value;
  }
  const parts = value.split('::');
  return parts[parts.length - 1];
}

export function response(ctx) {
  const step = CONFIG.step;
  const source = ctx.source ?? {};
  if (step.readers !== null) {
    const who = callerOf(ctx);
    const readers = step.readers.map((i) => CONFIG.roles[i]);
    const admitted = isAdmin(who, 'get') || readers.some((role) => (role.static ? staticMatch(role, who)
      : dynamicMatch(role, who, source)));
    if (!admitted) {
      util.unauthorized();
    }
    if (source.__operation === 'Mutation') {
      return null;
    }
  }
  const value = source[step.field] ?? null;
  if (!step.ownerName) {
    return value;
  }
  return Array.isArray(value) ? value.map(shown) : shown(value);
}
