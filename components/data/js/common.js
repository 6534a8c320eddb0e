// Shared by every resolver: who is calling, and what the model's roles (CONFIG.roles, Amplify's access matrix)
// let them do. APPSYNC_JS subset only: no try/catch/throw, no while/for(;;), no ++/--, no `in`, no classes.

const USER_POOL_AUTH = 'User Pool Authorization';
const IAM_AUTH = 'IAM Authorization';
const API_KEY_AUTH = 'API Key Authorization';
const LAMBDA_AUTH = 'Lambda Authorization';
const ROOT_OF = { get: 'query', list: 'query', read: 'query', create: 'mutate', update: 'mutate', delete: 'mutate',
  listen: 'listen' };

// The role name of an STS assumed-role ARN of this account, or null.
function assumedRole(arn) {
  if (typeof arn !== 'string') {
    return null;
  }
  const parts = arn.split(':');
  if (parts.length < 6 || parts[2] !== 'sts' || parts[4] !== CONFIG.iam.account) {
    return null;
  }
  const path = parts.slice(5).join(':').split('/');
  if (path.length < 3 || path[0] !== 'assumed-role') {
    return null;
  }
  return path[1];
}

// The caller: kind (userPools, iam, apiKey, lambda or none), with their claims or their identity-pool role.
function callerOf(ctx) {
  const identity = ctx.identity ?? {};
  const authType = util.authType();
  if (authType === USER_POOL_AUTH) {
    const claims = identity.claims ?? {};
    const sub = identity.sub ?? claims.sub ?? null;
    const username = identity.username ?? claims['cognito:username'] ?? claims.username ?? null;
    return { kind: 'userPools', claims, sub, username, groups: identity.groups ?? claims['cognito:groups'] ?? [] };
  }
  if (authType === IAM_AUTH) {
    const role = assumedRole(identity.userArn);
    if (role !== null && role === CONFIG.iam.guest) {
      return { kind: 'iam', iam: 'guest' };
    }
    if (role !== null && CONFIG.iam.signedIn.indexOf(role) >= 0) {
      return { kind: 'iam', iam: 'signedIn' };
    }
    if (role !== null && CONFIG.iam.functions[role] !== undefined) {
      return { kind: 'iam', iam: 'function', actions: CONFIG.iam.functions[role] };
    }
    return { kind: 'none' };
  }
  if (authType === API_KEY_AUTH) {
    return { kind: 'apiKey' };
  }
  if (authType === LAMBDA_AUTH) {
    return { kind: 'lambda' };
  }
  return { kind: 'none' };
}

// A function granted `allow: resource` for this root type (query, mutate, listen): everything there.
function isAdminOf(who, root) {
  return who.kind === 'iam' && who.iam === 'function' && who.actions.indexOf(root) >= 0;
}

function isAdmin(who, op) {
  return isAdminOf(who, ROOT_OF[op]);
}

// The values of one token claim: `sub::username` stands for `<sub>::<username>`, the sub and the user name.
function claimValues(who, claim) {
  if (who.kind !== 'userPools') {
    return [];
  }
  if (claim === 'sub::username') {
    const out = [];
    if (who.sub && who.username) {
      out.push(`${who.sub}::${who.username}`);
    }
    if (who.sub) {
      out.push(who.sub);
    }
    if (who.username && who.username !== who.sub) {
      out.push(who.username);
    }
    return out;
  }
  if (claim === 'username' || claim === 'cognito:username') {
    return who.username ? [who.username] : [];
  }
  const value = who.claims[claim];
  return typeof value === 'string' ? [value] : [];
}

// The groups a token claim names (a list, a JSON list as text, or one group).
function groupsOf(who, claim) {
  if (who.kind !== 'userPools') {
    return [];
  }
  const value = claim === 'cognito:groups' ? who.groups : who.claims[claim];
  if (Array.isArray(value)) {
    return value;
  }
  if (typeof value === 'string' && value.startsWith('[')) {
    return JSON.parse(value);
  }
  return typeof value === 'string' ? [value] : [];
}

// Does a static role (every signed-in user, a group, guests, identity-pool users, API key, Lambda) match?
function staticMatch(role, who) {
  if (role.provider === 'userPools') {
    if (who.kind !== 'userPools') {
      return false;
    }
    return role.strategy === 'private' || groupsOf(who, role.claim).indexOf(role.entity) >= 0;
  }
  if (role.provider === 'identityPool') {
    if (who.kind !== 'iam') {
      return false;
    }
    return who.iam === 'signedIn' || (role.strategy === 'public' && who.iam === 'guest');
  }
  if (role.provider === 'apiKey') {
    return who.kind === 'apiKey';
  }
  return role.provider === 'function' && who.kind === 'lambda';
}

// Does a dynamic role (the record's owners, the groups it names) let the caller at `item`?
function dynamicMatch(role, who, item) {
  if (who.kind !== 'userPools' || item === null || item === undefined) {
    return false;
  }
  const value = item[role.entity];
  const mine = role.strategy === 'owner' ? claimValues(who, role.claim) : groupsOf(who, role.claim);
  if (Array.isArray(value)) {
    return value.some((v) => mine.indexOf(v) >= 0);
  }
  return typeof value === 'string' && mine.indexOf(value) >= 0;
}

function rolesFor(op) {
  return (CONFIG.ops[op] ?? []).map((i) => CONFIG.roles[i]);
}

// May the caller do `op` on every record?
function allowsAll(who, op) {
  return isAdmin(who, op) || rolesFor(op).some((role) => role.static && staticMatch(role, who));
}

// May the caller do `op` on some records (all of them, or those a dynamic role gives them)?
function mayTry(who, op) {
  return allowsAll(who, op) || (who.kind === 'userPools' && rolesFor(op).some((role) => !role.static));
}

// May the caller do `op` on this record?
function allowsItem(who, op, item) {
  return allowsAll(who, op) || rolesFor(op).some((role) => !role.static && dynamicMatch(role, who, item));
}

function requireSome(who, op) {
  if (!mayTry(who, op)) {
    util.unauthorized();
  }
}

// A filter matching the records a dynamic role gives the caller, for `op`.
function authFilter(who, op) {
  const alternatives = [];
  for (const role of rolesFor(op).filter((r) => !r.static)) {
    const mine = role.strategy === 'owner' ? claimValues(who, role.claim) : groupsOf(who, role.claim);
    for (const value of mine) {
      const condition = {};
      condition[role.entity] = role.many ? { contains: value } : { eq: value };
      alternatives.push(condition);
    }
  }
  if (alternatives.length === 0) {
    util.unauthorized();
  }
  return { or: alternatives };
}

// The filter a list by the caller needs: none when they may read every record.
function readFilter(who, op) {
  return allowsAll(who, op) ? null : authFilter(who, op);
}

function present(objects) {
  return objects.filter((o) => o !== null && o !== undefined && Object.keys(o).length > 0);
}

function cleaned(expression) {
  if (expression.expressionValues && Object.keys(expression.expressionValues).length === 0) {
    delete expression.expressionValues;
  }
  return expression;
}

// All `conditions` (GraphQL condition objects, nulls skipped) as one DynamoDB condition, or null.
function conditionOf(conditions) {
  const parts = present(conditions);
  if (parts.length === 0) {
    return null;
  }
  const merged = parts.length === 1 ? parts[0] : { and: parts };
  return cleaned(JSON.parse(util.transform.toDynamoDBConditionExpression(merged)));
}

// All `filters` (GraphQL filter objects, nulls skipped) as one DynamoDB filter, or null.
function filterOf(filters) {
  const parts = present(filters);
  if (parts.length === 0) {
    return null;
  }
  const merged = parts.length === 1 ? parts[0] : { and: parts };
  return cleaned(JSON.parse(util.transform.toDynamoDBFilterExpression(merged)));
}

// The primary key of a record (or of arguments naming it) as DynamoDB values.
function keyOf(values) {
  const key = {};
  for (const field of CONFIG.keys) {
    key[field] = values[field];
  }
  return util.dynamodb.toMapValues(key);
}

// A key condition `#k0 = :k0 [AND <sort condition>]` for a Query.
function keyCondition(partition, value, sort, sortCondition) {
  const names = { '#k0': partition };
  const values = { ':k0': value };
  let expression = '#k0 = :k0';
  if (sort !== null && sortCondition !== null && sortCondition !== undefined) {
    names['#k1'] = sort;
    const op = Object.keys(sortCondition)[0];
    const given = sortCondition[op];
    const compare = { eq: '=', le: '<=', lt: '<', ge: '>=', gt: '>' };
    if (op === 'between') {
      values[':k1'] = given[0];
      values[':k2'] = given[1];
      expression = `${expression} AND #k1 BETWEEN :k1 AND :k2`;
    } else if (op === 'beginsWith') {
      values[':k1'] = given;
      expression = `${expression} AND begins_with(#k1, :k1)`;
    } else {
      values[':k1'] = given;
      expression = `${expression} AND #k1 ${compare[op]} :k1`;
    }
  }
  return { expression, expressionNames: names, expressionValues: util.dynamodb.toMapValues(values) };
}

// A DynamoDB Query (or, without a partition value, a Scan) with the caller's and the rules' filters.
function pageRequest(ctx, index, partition, value, sort, filters) {
  const page = { limit: ctx.args.limit ?? 100 };
  if (value !== null && value !== undefined) {
    page.operation = 'Query';
    page.query = keyCondition(partition, value, sort, sort === null ? null : ctx.args[sort]);
    page.scanIndexForward = ctx.args.sortDirection !== 'DESC';
    if (index !== null) {
      page.index = index;
    }
  } else {
    page.operation = 'Scan';
  }
  if (ctx.args.nextToken) {
    page.nextToken = ctx.args.nextToken;
  }
  const filter = filterOf(filters);
  if (filter !== null) {
    page.filter = filter;
  }
  return page;
}

function pageOf(ctx) {
  return { items: ctx.result.items ?? [], nextToken: ctx.result.nextToken ?? null };
}

// What clients see of a mutation's result: fields that need a field-level check are resolved as null
// for mutations (so that subscriptions never carry them), as Amplify does.
function mutationResult(item) {
  if (item !== null && item !== undefined && CONFIG.markMutation) {
    item.__operation = 'Mutation';
  }
  return item;
}

function failOnError(ctx) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
}
