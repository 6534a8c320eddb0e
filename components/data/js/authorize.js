// First step of update/delete (CONFIG.step.op): load the record and decide. A caller a static rule lets at
// every record goes on (an update touching only the fields their rule allows, setting to null only fields it
// lets them delete); a dynamic rule (owners, groups held in the record) lets them at this record only, may
// not be given away by the update, and the write then requires its field to be unchanged, so the check and
// the write cannot be separated by another write.
function fieldsAllowed(role, op, names) {
  if (CONFIG.fields === null) {
    return true;
  }
  const allowed = CONFIG.fields[op][String(role.i)];
  return allowed === undefined || names.every((name) => allowed.indexOf(name) >= 0);
}

function fits(role, op, input) {
  if (op !== 'update') {
    return true;
  }
  const names = Object.keys(input).filter((name) => CONFIG.allFields.indexOf(name) >= 0
    && CONFIG.keys.indexOf(name) < 0);
  const set = names.filter((name) => input[name] !== null);
  const cleared = names.filter((name) => input[name] === null);
  return fieldsAllowed(role, 'update', set) && fieldsAllowed(role, 'delete', cleared);
}

export function request(ctx) {
  requireSome(callerOf(ctx), CONFIG.step.op);
  return { operation: 'GetItem', key: keyOf(ctx.args.input) };
}

export function response(ctx) {
  failOnError(ctx);
  const who = callerOf(ctx);
  const op = CONFIG.step.op;
  const input = ctx.args.input;
  const item = ctx.result ?? null;
  ctx.stash.ownerCondition = null;
  if (isAdmin(who, op)) {
    return item;
  }
  const roles = rolesFor(op);
  if (roles.some((role) => role.static && staticMatch(role, who) && fits(role, op, input))) {
    return item;
  }
  if (item === null) {
    util.error('The conditional request failed', 'DynamoDB:ConditionalCheckFailedException');
  }
  const role = roles.find((r) => !r.static && dynamicMatch(r, who, item) && fits(r, op, input));
  if (role === undefined) {
    util.unauthorized();
  }
  if (op === 'update' && Object.hasOwn(input, role.entity) && !dynamicMatch(role, who, input)) {
    util.unauthorized();
  }
  const unchanged = {};
  unchanged[role.entity] = { eq: item[role.entity] };
  ctx.stash.ownerCondition = unchanged;
  return item;
}
