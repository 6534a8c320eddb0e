// <Model>.<owner field>: the owner as clients see it, the user name (stored as `<sub>::<username>`), as Amplify.
export function request(ctx) {
  return { payload: null };
}

export function response(ctx) {
  const value = ctx.source[CONFIG.ownerField] ?? null;
  if (typeof value !== 'string') {
    return value;
  }
  const parts = value.split('::');
  return parts[parts.length - 1];
}
