// Mutation.create<Model>: a new record. Owner fields the caller leaves out are set to the caller; the record
// must be one the caller may create (a static rule, or a dynamic rule matching the new record: an owner may
// not create records for others), with only fields their rule allows; defaults and timestamps are filled in.
function fieldsAllowed(role, op, names) {
  if (CONFIG.fields === null) {
    return true;
  }
  const allowed = CONFIG.fields[op][String(role.i)];
  return allowed === undefined || names.every((name) => allowed.indexOf(name) >= 0);
}

function createAllowed(who, values, given) {
  if (isAdmin(who, 'create')) {
    return true;
  }
  return rolesFor('create').some((role) => fieldsAllowed(role, 'create', given)
    && (role.static ? staticMatch(role, who) : dynamicMatch(role, who, values)));
}

export function request(ctx) {
  const who = callerOf(ctx);
  requireSome(who, 'create');
  const values = Object.assign({}, ctx.args.input);
  const given = Object.keys(values).filter((name) => CONFIG.allFields.indexOf(name) >= 0
    && CONFIG.keys.indexOf(name) < 0);
  if (CONFIG.autoId && (values.id === undefined || values.id === null)) {
    values.id = util.autoId();
  }
  for (const role of rolesFor('create').filter((r) => r.strategy === 'owner')) {
    const mine = claimValues(who, role.claim);
    if ((values[role.entity] === undefined || values[role.entity] === null) && mine.length > 0) {
      values[role.entity] = role.many ? [mine[0]] : mine[0];
    }
  }
  if (!createAllowed(who, values, given)) {
    util.unauthorized();
  }
  for (const field of Object.keys(CONFIG.defaults)) {
    if (values[field] === undefined || values[field] === null) {
      values[field] = CONFIG.defaults[field];
    }
  }
  const now = util.time.nowISO8601();
  for (const stamp of ['createdAt', 'updatedAt']) {
    if (values[stamp] === undefined || values[stamp] === null) {
      values[stamp] = now;
    }
  }
  values.__typename = CONFIG.model;
  const fresh = {};
  fresh[CONFIG.keys[0]] = { attributeExists: false };
  const attributes = Object.assign({}, values);
  for (const field of CONFIG.keys) {
    delete attributes[field];
  }
  return {
    operation: 'PutItem',
    key: keyOf(values),
    attributeValues: util.dynamodb.toMapValues(attributes),
    condition: conditionOf([ctx.args.condition, fresh]),
  };
}

export function response(ctx) {
  failOnError(ctx);
  return mutationResult(ctx.result);
}
