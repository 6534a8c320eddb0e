// Shared by every resolver: who is calling, and what the model's rules (CONFIG.rules) let them do.
// APPSYNC_JS subset only: no try/catch/throw, no while/for(;;), no ++/--, no `in`, no classes, no regex.

const USER_POOL_AUTH = 'User Pool Authorization';
const IAM_AUTH = 'IAM Authorization';

// The role name of an STS assumed-role ARN of this account, or null.
function assumedRole(arn) {
  if (typeof arn !== 'string') {
    return null;
  }
  const parts = arn.split(':');
  if (parts.length < 6 || parts[2] !== 'sts' || parts[4] !== CONFIG.roles.account) {
    return null;
  }
  const path = parts.slice(5).join(':').split('/');
  if (path.length < 3 || path[0] !== 'assumed-role') {
    return null;
  }
  return path[1];
}

// The caller: kind (userPools, guest, identityPool or none), the owner values that are theirs, their groups.
function callerOf(ctx) {
  const identity = ctx.identity ?? {};
  const authType = util.authType();
  if (authType === USER_POOL_AUTH) {
    const claims = identity.claims ?? {};
    const sub = identity.sub ?? claims.sub ?? null;
    const username = identity.username ?? claims['cognito:username'] ?? claims.username ?? null;
    const owners = [];
    if (sub && username) {
      owners.push(`${sub}::${username}`);
    }
    if (sub) {
      owners.push(sub);
    }
    if (username && username !== sub) {
      owners.push(username);
    }
    const groups = identity.groups ?? claims['cognito:groups'] ?? [];
    return { kind: 'userPools', owners, groups, ownerValue: owners.length > 0 ? owners[0] : null };
  }
  if (authType === IAM_AUTH) {
    const role = assumedRole(identity.userArn);
    if (role !== null && role === CONFIG.roles.guest) {
      return { kind: 'guest', owners: [], groups: [], ownerValue: null };
    }
    if (role !== null && CONFIG.roles.signedIn.indexOf(role) >= 0) {
      return { kind: 'identityPool', owners: [], groups: [], ownerValue: null };
    }
  }
  return { kind: 'none', owners: [], groups: [], ownerValue: null };
}

// May the caller do `op` on every record (no owner check)?
function allowsAll(who, op) {
  const rule = CONFIG.rules[op];
  if (who.kind === 'userPools') {
    if (rule.userPools) {
      return true;
    }
    return who.groups.some((group) => rule.groups.indexOf(group) >= 0);
  }
  if (who.kind === 'guest') {
    return rule.guest;
  }
  if (who.kind === 'identityPool') {
    return rule.guest || rule.identityPool;
  }
  return false;
}

// May the caller do `op` on the records they own?
function allowsOwn(who, op) {
  return who.kind === 'userPools' && CONFIG.ownerField !== null && CONFIG.rules[op].owner && who.owners.length > 0;
}

// Is `value` (an owner field's value) the caller?
function isCaller(who, value) {
  return typeof value === 'string' && who.owners.indexOf(value) >= 0;
}

// Reject the caller unless `op` is allowed on all records or on their own ones.
function requireSome(who, op) {
  if (!allowsAll(who, op) && !allowsOwn(who, op)) {
    util.unauthorized();
  }
}

// A filter/condition object matching the records the caller owns.
function ownedBy(who) {
  const alternatives = who.owners.map((owner) => {
    const condition = {};
    condition[CONFIG.ownerField] = { eq: owner };
    return condition;
  });
  return { or: alternatives };
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

function failOnError(ctx) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
}
