// A small offline stand-in for AppSync running APPSYNC_JS resolvers, for the Data resolver tests.
//
// Reads {"resolvers": [...], "steps": [...]} as JSON on stdin and prints one result per step as JSON.
//  - resolvers: {typeName, fieldName, dataSource, code, functions: [{name, dataSource, code}], returns}
//    (the ResolverSpec of components/data/resolvers.py); dataSource is a model name (its table), null (NONE)
//    or "lambda:<function>" (a Lambda data source).
//  - steps:
//    {"tables": {"Post": {"keys": ["id"], "indexes": {"byStatus": {"keys": ["status", "createdAt"]}}}}}
//                                        -> the tables' keys and indexes (default: key `id`, no index)
//    {"call": "Query.getPost", "args": {...}, "as": CALLER, "select": {"comments": {"args": {...},
//      "select": {...}}}, "lambda": {"<function>": <its result>}}
//                                        -> {"data", "error", "errors": [{path, type, message}],
//                                            "operations": [{table, operation, index}], "invocations": [...]}
//      field resolvers of the returned objects run (relationship fields only when `select`ed); a field
//      resolver's error makes the field null and is listed in `errors`, as AppSync does
//    {"subscribe": "Subscription.onCreatePost", "args", "as", "events": [item, ...]}
//                                        -> {"error", "filter", "delivered": [bool]}
//    {"seed": {"Post": [item, ...]}}     -> {"seeded": n}
//    a call may carry "between": {"after": "<function name>", "seed": {...}}: another writer's change to
//    the table after that pipeline function ran (to show the check and the write cannot be separated)
//    {"dump": "Post"}                    -> {"items": [...]}
//    {"reset": "Post"}                   -> {"reset": true} (empties the table)
//    {"check": [code, ...]}              -> {"loaded": n} (parses and links each module)
//    CALLER: {"userPools": {"sub", "username", "groups", "claims"}} | {"iam": {"role", "account"}}
//            | {"apiKey": true} | {"lambda": {<resolver context>}}
//
// What it imitates: util.authType/unauthorized/error/autoId/time.nowISO8601, util.dynamodb.toMapValues and
// toDynamoDB, util.transform.toDynamoDBFilterExpression / toDynamoDBConditionExpression (AppSync's documented
// output shape: {expression, expressionNames, expressionValues} as a JSON string) and toSubscriptionFilter
// ({filterGroup: [{filters: [...]}]}, fields with several operators OR-ed, as documented), extensions.
// setSubscriptionFilter, runtime.earlyReturn, unit and pipeline resolvers, field resolvers on returned
// objects, Lambda data sources (Invoke, the result the step gives), and DynamoDB tables with composite keys
// and indexes that evaluate key condition, condition, filter and update expressions (Query sorts by the sort
// key, `scanIndexForward`; Scan and Query apply `limit` before the filter, as DynamoDB does; a Query must name
// the partition key of the table or index it reads). It is a test double: it checks the resolvers' logic,
// not AppSync itself.

import { readFileSync } from 'node:fs';

class Halt extends Error {
  constructor(type, message) {
    super(message);
    this.type = type;
  }
}

// ---------- DynamoDB typed values ----------
function toDynamoDB(value) {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toDynamoDB) };
  if (typeof value === 'object') return { M: toMapValues(value) };
  throw new Error(`cannot convert ${typeof value}`);
}
function toMapValues(object) {
  const out = {};
  for (const [k, v] of Object.entries(object)) out[k] = toDynamoDB(v);
  return out;
}
function fromDynamoDB(typed) {
  const [type, value] = Object.entries(typed)[0];
  switch (type) {
    case 'S': return value;
    case 'N': return Number(value);
    case 'BOOL': return value;
    case 'NULL': return null;
    case 'L': return value.map(fromDynamoDB);
    case 'M': return fromMap(value);
    case 'SS': return [...value];
    case 'NS': return value.map(Number);
    default: throw new Error(`unsupported DynamoDB type ${type}`);
  }
}
function fromMap(map) {
  const out = {};
  for (const [k, v] of Object.entries(map ?? {})) out[k] = fromDynamoDB(v);
  return out;
}
function typeCode(value) {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return 'S';
  if (typeof value === 'number') return 'N';
  if (typeof value === 'boolean') return 'BOOL';
  if (Array.isArray(value)) return 'L';
  return 'M';
}

// ---------- util.transform: GraphQL filter/condition objects -> DynamoDB expressions ----------
const ATTRIBUTE_TYPES = { binary: 'B', binarySet: 'BS', bool: 'BOOL', list: 'L', map: 'M', number: 'N',
  numberSet: 'NS', string: 'S', stringSet: 'SS', _null: 'NULL' };
const COMPARE = { eq: '=', ne: '<>', le: '<=', lt: '<', ge: '>=', gt: '>' };

function toExpression(object) {
  const names = {};
  const values = {};
  let counter = 0;
  const name = (field) => { const key = `#${field}`; names[key] = field; return key; };
  const value = (v) => { const key = `:v${counter++}`; values[key] = toDynamoDB(v); return key; };
  const build = (obj) => {
    const parts = [];
    for (const [key, spec] of Object.entries(obj)) {
      if (spec === null || spec === undefined) continue;
      if (key === 'and' || key === 'or') {
        const inner = spec.map(build).filter((s) => s !== '');
        if (inner.length) parts.push(`(${inner.join(key === 'and' ? ' AND ' : ' OR ')})`);
      } else if (key === 'not') {
        parts.push(`(NOT ${build(spec)})`);
      } else {
        const field = name(key);
        for (const [op, arg] of Object.entries(spec)) {
          if (COMPARE[op]) parts.push(`(${field} ${COMPARE[op]} ${value(arg)})`);
          else if (op === 'contains') parts.push(`(contains(${field}, ${value(arg)}))`);
          else if (op === 'notContains') parts.push(`(NOT contains(${field}, ${value(arg)}))`);
          else if (op === 'beginsWith') parts.push(`(begins_with(${field}, ${value(arg)}))`);
          else if (op === 'between') parts.push(`(${field} BETWEEN ${value(arg[0])} AND ${value(arg[1])})`);
          else if (op === 'in') parts.push(`(${field} IN (${arg.map(value).join(', ')}))`);
          else if (op === 'attributeExists') parts.push(arg ? `(attribute_exists(${field}))` : `(attribute_not_exists(${field}))`);
          else if (op === 'attributeType') parts.push(`(attribute_type(${field}, ${value(ATTRIBUTE_TYPES[arg])}))`);
          else if (op === 'size') {
            for (const [sop, sarg] of Object.entries(arg)) {
              if (sop === 'between') parts.push(`(size(${field}) BETWEEN ${value(sarg[0])} AND ${value(sarg[1])})`);
              else parts.push(`(size(${field}) ${COMPARE[sop]} ${value(sarg)})`);
            }
          } else throw new Error(`unsupported filter operator ${op}`);
        }
      }
    }
    return parts.join(' AND ');
  };
  const expression = build(object);
  return JSON.stringify({ expression, expressionNames: names, expressionValues: values });
}

// ---------- a DynamoDB expression evaluator (the subset toExpression and the resolvers produce) ----------
function tokenize(text) {
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ') { i++; continue; }
    if ('(),'.includes(c)) { tokens.push(c); i++; continue; }
    const two = text.slice(i, i + 2);
    if (['<>', '<=', '>='].includes(two)) { tokens.push(two); i += 2; continue; }
    if ('=<>'.includes(c)) { tokens.push(c); i++; continue; }
    const m = /^[#:]?[A-Za-z0-9_]+/.exec(text.slice(i));
    if (!m) throw new Error(`bad expression at ${text.slice(i)}`);
    tokens.push(m[0]);
    i += m[0].length;
  }
  return tokens;
}

function evaluate(expression, names, values, item) {
  const tokens = tokenize(expression);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (expected) => {
    const t = tokens[pos++];
    if (expected !== undefined && t !== expected) throw new Error(`expected ${expected}, got ${t} in ${expression}`);
    return t;
  };
  const attr = (token) => {
    if (!token.startsWith('#')) throw new Error(`expected a name placeholder, got ${token}`);
    if (!(token in names)) throw new Error(`undefined name placeholder ${token}`);
    return names[token];
  };
  const val = (token) => {
    if (!(token in values)) throw new Error(`undefined value placeholder ${token}`);
    return fromDynamoDB(values[token]);
  };
  const MISSING = Symbol('missing');
  const operand = () => {
    const t = take();
    if (t === 'size') {
      take('(');
      const v = item[attr(take())];
      take(')');
      if (v === undefined) return MISSING;
      return typeof v === 'string' || Array.isArray(v) ? v.length : Object.keys(v ?? {}).length;
    }
    if (t.startsWith(':')) return val(t);
    const field = attr(t);
    return Object.hasOwn(item, field) ? item[field] : MISSING;
  };
  const compare = (a, op, b) => {
    if (a === MISSING || b === MISSING) return op === '<>';
    if (op === '=') return JSON.stringify(a) === JSON.stringify(b);
    if (op === '<>') return JSON.stringify(a) !== JSON.stringify(b);
    if (typeof a !== typeof b) return false;
    return { '<': a < b, '<=': a <= b, '>': a > b, '>=': a >= b }[op];
  };
  const primary = () => {
    const t = peek();
    if (t === '(') { take('('); const v = or(); take(')'); return v; }
    if (t === 'NOT') { take(); return !primary(); }
    if (['attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains'].includes(t)) {
      take(); take('(');
      const field = attr(take());
      let arg;
      if (peek() === ',') { take(','); arg = val(take()); }
      take(')');
      const has = Object.hasOwn(item, field);
      const v = item[field];
      if (t === 'attribute_exists') return has;
      if (t === 'attribute_not_exists') return !has;
      if (t === 'attribute_type') return has && typeCode(v) === arg;
      if (t === 'begins_with') return has && typeof v === 'string' && v.startsWith(arg);
      return has && (typeof v === 'string' || Array.isArray(v)) && v.includes(arg);
    }
    const left = operand();
    const op = take();
    if (op === 'BETWEEN') {
      const low = operand(); take('AND'); const high = operand();
      return compare(left, '>=', low) && compare(left, '<=', high);
    }
    if (op === 'IN') {
      take('(');
      const options = [operand()];
      while (peek() === ',') { take(','); options.push(operand()); }
      take(')');
      return options.some((o) => compare(left, '=', o));
    }
    if (!['=', '<>', '<', '<=', '>', '>='].includes(op)) throw new Error(`unexpected ${op} in ${expression}`);
    return compare(left, op, operand());
  };
  const and = () => { let v = primary(); while (peek() === 'AND') { take(); const r = primary(); v = v && r; } return v; };
  const or = () => { let v = and(); while (peek() === 'OR') { take(); const r = and(); v = v || r; } return v; };
  const result = or();
  if (pos !== tokens.length) throw new Error(`trailing tokens in ${expression}`);
  return result;
}

function checkCondition(condition, item) {
  if (!condition) return true;
  return evaluate(condition.expression, condition.expressionNames ?? {}, condition.expressionValues ?? {}, item);
}

function applyUpdate(update, item) {
  const m = /^SET (.*?)(?: REMOVE (.*))?$/.exec(update.expression);
  if (!m) throw new Error(`unsupported update expression ${update.expression}`);
  const names = update.expressionNames ?? {};
  const values = update.expressionValues ?? {};
  for (const assignment of m[1].split(', ')) {
    const [n, v] = assignment.split(' = ');
    if (!(n in names) || !(v in values)) throw new Error(`undefined placeholder in ${assignment}`);
    item[names[n]] = fromDynamoDB(values[v]);
  }
  for (const n of (m[2] ? m[2].split(', ') : [])) {
    if (!(n in names)) throw new Error(`undefined placeholder ${n}`);
    delete item[names[n]];
  }
}

const CONDITION_FAILED = { type: 'DynamoDB:ConditionalCheckFailedException', message: 'The conditional request failed' };

// The table's key (and every index's) is given by the test (`tables`); by default `id`.
const SCHEMAS = new Map();
const keyFieldsOf = (name) => SCHEMAS.get(name)?.keys ?? ['id'];
const keyString = (fields, item) => JSON.stringify(fields.map((f) => item[f]));

function sortValue(a, b) {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}

class Table {
  constructor(name) { this.name = name; this.items = new Map(); }
  keyFields() { return keyFieldsOf(this.name); }
  put(item) { this.items.set(keyString(this.keyFields(), item), item); }
  run(request) {
    const key = request.key ? fromMap(request.key) : null;
    if (key) {
      const fields = this.keyFields();
      if (fields.length !== Object.keys(key).length || !fields.every((f) => Object.hasOwn(key, f))) {
        throw new Error(`key ${JSON.stringify(key)} does not match the table's key ${fields}`);
      }
    }
    const existing = key ? this.items.get(keyString(this.keyFields(), key)) ?? null : null;
    switch (request.operation) {
      case 'GetItem':
        return { result: existing ? structuredClone(existing) : null };
      case 'PutItem': {
        if (!checkCondition(request.condition, existing ?? {})) return { error: CONDITION_FAILED };
        const values = fromMap(request.attributeValues);
        for (const f of this.keyFields()) if (Object.hasOwn(values, f)) throw new Error(`PutItem attributeValues repeat key ${f}`);
        const item = { ...values, ...key };
        this.put(item);
        return { result: structuredClone(item) };
      }
      case 'UpdateItem': {
        if (!checkCondition(request.condition, existing ?? {})) return { error: CONDITION_FAILED };
        const item = structuredClone(existing ?? {});
        applyUpdate(request.update, item);
        Object.assign(item, key);
        this.put(item);
        return { result: structuredClone(item) };
      }
      case 'DeleteItem': {
        if (!checkCondition(request.condition, existing ?? {})) return { error: CONDITION_FAILED };
        this.items.delete(keyString(this.keyFields(), key));
        return { result: existing };
      }
      case 'Scan':
        state.operations.push({ table: this.name, operation: 'Scan' });
        return this.page([...this.items.values()], request);
      case 'Query': {
        const schema = SCHEMAS.get(this.name) ?? {};
        const index = request.index ? (schema.indexes ?? {})[request.index] : { keys: this.keyFields() };
        if (!index) throw new Error(`no index ${request.index} on ${this.name}`);
        state.operations.push({ table: this.name, operation: 'Query', index: request.index ?? null });
        const q = request.query;
        const names = q.expressionNames ?? {};
        const parts = q.expression.split(' AND ');
        const used = [...new Set(Object.values(names))];
        if (names['#k0'] !== index.keys[0]) throw new Error(`Query key ${names['#k0']} is not the partition key of ${request.index ?? 'the table'}`);
        if (used.some((f) => index.keys.indexOf(f) < 0)) throw new Error(`Query names ${used}, not keys of ${request.index ?? 'the table'}`);
        if (parts.length > 3) throw new Error(`unsupported key condition ${q.expression}`);
        let matching = [...this.items.values()].filter((item) => evaluate(q.expression, names, q.expressionValues ?? {}, item));
        const sort = index.keys[1];
        matching.sort((a, b) => (sort ? sortValue(a[sort], b[sort]) : 0));
        if (request.scanIndexForward === false) matching = matching.reverse();
        return this.page(matching, request);
      }
      default:
        throw new Error(`unsupported operation ${request.operation}`);
    }
  }
  page(all, request) {
    const start = request.nextToken ? Number(request.nextToken.split(':')[1]) : 0;
    const limit = request.limit ?? all.length;
    const page = all.slice(start, start + limit);
    const items = page.filter((item) => checkCondition(request.filter, item)).map((i) => structuredClone(i));
    const nextToken = start + limit < all.length ? `token:${start + limit}` : null;
    return { result: { items, nextToken, scannedCount: page.length } };
  }
}

// ---------- subscription filters ----------
function dnf(object) {
  // -> list of alternatives, each a list of {fieldName, operator, value}
  let alternatives = [[]];
  const cross = (options) => {
    const next = [];
    for (const a of alternatives) for (const o of options) next.push([...a, ...o]);
    alternatives = next;
  };
  for (const [key, spec] of Object.entries(object)) {
    if (key === 'and') for (const part of spec) cross(dnf(part));
    else if (key === 'or') cross(spec.flatMap(dnf));
    else cross(Object.entries(spec).map(([operator, value]) => [{ fieldName: key, operator, value }]));
  }
  return alternatives;
}
function toSubscriptionFilter(object) {
  return { filterGroup: dnf(object).map((filters) => ({ filters })) };
}
function filterMatches(filter, item) {
  const test = ({ fieldName, operator, value }) => {
    const v = item[fieldName];
    switch (operator) {
      case 'eq': return v === value;
      case 'ne': return v !== value;
      case 'lt': return v < value;
      case 'le': return v <= value;
      case 'gt': return v > value;
      case 'ge': return v >= value;
      case 'contains': return typeof v === 'string' && v.includes(value);
      case 'notContains': return !(typeof v === 'string' && v.includes(value));
      case 'beginsWith': return typeof v === 'string' && v.startsWith(value);
      case 'in': return value.includes(v);
      case 'notIn': return !value.includes(v);
      case 'between': return v >= value[0] && v <= value[1];
      default: throw new Error(`unsupported subscription operator ${operator}`);
    }
  };
  return filter.filterGroup.some((group) => group.filters.every(test));
}

// ---------- the runtime ----------
const state = { authType: null, subscriptionFilter: null, info: null, ids: 0, clock: 0, operations: [], invocations: [] };
class EarlyReturn extends Error { constructor(value) { super('early return'); this.value = value; } }
const util = {
  authType: () => state.authType,
  unauthorized: () => {
    throw new Halt('Unauthorized', `Not Authorized to access ${state.info.fieldName} on type ${state.info.parentTypeName}`);
  },
  error: (message, type) => { throw new Halt(type ?? 'CustomTemplateException', message); },
  autoId: () => `00000000-0000-4000-8000-${String(++state.ids).padStart(12, '0')}`,
  time: { nowISO8601: () => new Date(Date.UTC(2026, 0, 1, 0, 0, state.clock++)).toISOString() },
  dynamodb: { toDynamoDB, toMapValues },
  transform: {
    toDynamoDBFilterExpression: toExpression,
    toDynamoDBConditionExpression: toExpression,
    toSubscriptionFilter,
  },
};
const extensions = { setSubscriptionFilter: (filter) => { state.subscriptionFilter = filter; } };
const runtime = { earlyReturn: (value) => { throw new EarlyReturn(value ?? null); } };
globalThis.__appsync = { util, extensions, runtime };

const modules = new Map();
async function load(code) {
  if (!modules.has(code)) {
    const rewritten = code.replace(/^import\s*\{([^}]*)\}\s*from\s*'@aws-appsync\/utils';/m,
      'const {$1} = globalThis.__appsync;');
    if (/^\s*import\s/m.test(rewritten)) throw new Error('resolver code imports something besides @aws-appsync/utils');
    const url = `data:text/javascript;base64,${Buffer.from(rewritten).toString('base64')}`;
    modules.set(code, await import(url));
  }
  return modules.get(code);
}

const tables = new Map();
const table = (name) => { if (!tables.has(name)) tables.set(name, new Table(name)); return tables.get(name); };
const lambdas = new Map();

function identityOf(caller) {
  if (caller.userPools) {
    const { sub, username, groups = [] } = caller.userPools;
    state.authType = 'User Pool Authorization';
    return { sub, username, groups, issuer: 'https://cognito-idp.example/pool',
      claims: { sub, 'cognito:username': username, 'cognito:groups': groups, ...(caller.userPools.claims ?? {}) },
      sourceIp: ['127.0.0.1'], defaultAuthStrategy: 'ALLOW' };
  }
  if (caller.lambda) {
    state.authType = 'Lambda Authorization';
    return { resolverContext: caller.lambda };
  }
  if (caller.iam) {
    const { role, account = '123456789012' } = caller.iam;
    state.authType = 'IAM Authorization';
    return { accountId: account, cognitoIdentityPoolId: 'eu-west-1:pool', cognitoIdentityId: 'eu-west-1:identity',
      userArn: `arn:aws:sts::${account}:assumed-role/${role}/CognitoIdentityCredentials`,
      username: 'AROAEXAMPLE:CognitoIdentityCredentials', sourceIp: ['127.0.0.1'] };
  }
  state.authType = 'API Key Authorization';
  return null;
}

function seed(byModel) {
  let n = 0;
  for (const [model, items] of Object.entries(byModel)) {
    for (const item of items) { table(model).put(structuredClone(item)); n++; }
  }
  return n;
}

function runDataSource(dataSource, request) {
  if (dataSource === null) return { result: request?.payload ?? null };
  if (dataSource.startsWith('lambda:')) {
    const name = dataSource.slice('lambda:'.length);
    if (request.operation !== 'Invoke') throw new Error(`a Lambda data source takes Invoke, got ${request.operation}`);
    state.invocations.push({ function: name, invocationType: request.invocationType ?? 'RequestResponse', payload: request.payload });
    if (!lambdas.has(name)) throw new Error(`no result given for function ${name}`);
    return { result: structuredClone(lambdas.get(name)) };
  }
  return table(dataSource).run(request);
}

async function runStep(mod, dataSource, ctx) {
  ctx.result = null;
  ctx.error = null;
  let request;
  try {
    request = mod.request(ctx);
  } catch (e) {
    if (e instanceof EarlyReturn) return e.value;
    throw e;
  }
  const outcome = runDataSource(dataSource, request);
  ctx.result = outcome.result ?? null;
  ctx.error = outcome.error ?? null;
  return mod.response(ctx);
}

// Run one field's resolver (unit or pipeline) with `ctx`; `between` seeds a table after a pipeline function.
async function runResolver(resolver, ctx, between) {
  const mod = await load(resolver.code);
  if (resolver.functions && resolver.functions.length) {
    mod.request(ctx);
    for (const fn of resolver.functions) {
      const fnMod = await load(fn.code);
      ctx.prev = { result: await runStep(fnMod, fn.dataSource, ctx) };
      if (between && between.after === fn.name) seed(between.seed);
    }
    return mod.response(ctx);
  }
  return runStep(mod, resolver.dataSource, ctx);
}

const connectionModel = (returns) => (returns && returns.startsWith('Model') && returns.endsWith('Connection')
  ? returns.slice('Model'.length, -'Connection'.length) : null);

// Resolve the field resolvers of a returned object: every field resolver that returns no object (owner names,
// field-level checks), and the relationship fields `select` names (nested selections inside). A field
// resolver's error makes that field null and is added to `errors`, as AppSync does.
async function resolveObject(resolvers, typeName, object, select, path, errors) {
  if (object === null || object === undefined || typeof object !== 'object') return object;
  const model = connectionModel(typeName);
  if (model !== null) {
    for (const [i, item] of (object.items ?? []).entries()) {
      await resolveObject(resolvers, model, item, select, [...path, 'items', i], errors);
    }
    return object;
  }
  const source = { ...object };
  for (const r of resolvers.filter((x) => x.typeName === typeName)) {
    const nested = select ? select[r.fieldName] : undefined;
    if (r.returns && nested === undefined) {
      delete object[r.fieldName];
      continue;
    }
    state.info = { fieldName: r.fieldName, parentTypeName: typeName };
    const args = nested && nested.args ? structuredClone(nested.args) : {};
    try {
      object[r.fieldName] = await runResolver(r, { args, source: { ...source }, stash: {}, identity: state.identity,
        prev: { result: null }, info: { fieldName: r.fieldName, parentTypeName: typeName } });
    } catch (e) {
      if (!(e instanceof Halt)) throw e;
      object[r.fieldName] = null;
      errors.push({ path: [...path, r.fieldName], type: e.type, message: e.message });
      continue;
    }
    if (r.returns) {
      await resolveObject(resolvers, r.returns, object[r.fieldName], nested.select ?? {}, [...path, r.fieldName], errors);
    }
  }
  delete object.__operation;
  return object;
}

async function call(resolvers, step, field) {
  const [typeName, fieldName] = field.split('.');
  const resolver = resolvers.find((r) => r.typeName === typeName && r.fieldName === fieldName);
  if (!resolver) throw new Error(`no resolver for ${field}`);
  state.identity = identityOf(step.as ?? {});
  state.info = { fieldName, parentTypeName: typeName };
  state.subscriptionFilter = null;
  state.operations = [];
  state.invocations = [];
  for (const [name, result] of Object.entries(step.lambda ?? {})) lambdas.set(name, result);
  const ctx = { args: structuredClone(step.args ?? {}), identity: state.identity, source: null, stash: {},
    prev: { result: null }, request: { headers: {} }, info: { fieldName, parentTypeName: typeName, variables: {} } };
  const errors = [];
  let data;
  try {
    data = await runResolver(resolver, ctx, step.between);
  } catch (e) {
    if (e instanceof Halt) return { data: null, error: { type: e.type, message: e.message }, errors,
      operations: state.operations, invocations: state.invocations };
    throw e;
  }
  if (resolver.returns) await resolveObject(resolvers, resolver.returns, data, step.select ?? {}, [fieldName], errors);
  return { data: data ?? null, error: null, errors, operations: state.operations, invocations: state.invocations };
}

async function main() {
  const input = JSON.parse(readFileSync(0, 'utf8'));
  const resolvers = input.resolvers ?? [];
  const results = [];
  for (const step of input.steps) {
    if (step.call) {
      results.push(await call(resolvers, step, step.call));
    } else if (step.subscribe) {
      const out = await call(resolvers, step, step.subscribe);
      const filter = state.subscriptionFilter;
      const delivered = out.error ? [] : (step.events ?? []).map((e) => filter === null || filterMatches(filter, e));
      results.push({ error: out.error, filter, delivered });
    } else if (step.tables) {
      for (const [name, schema] of Object.entries(step.tables)) SCHEMAS.set(name, schema);
      results.push({ tables: Object.keys(step.tables).length });
    } else if (step.seed) {
      results.push({ seeded: seed(step.seed) });
    } else if (step.reset) {
      table(step.reset).items.clear();
      results.push({ reset: true });
    } else if (step.dump) {
      results.push({ items: [...table(step.dump).items.values()] });
    } else if (step.check) {
      for (const code of step.check) await load(code);
      results.push({ loaded: step.check.length });
    } else {
      throw new Error(`unknown step ${JSON.stringify(step)}`);
    }
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => { process.stderr.write(`${e.stack}\n`); process.exit(1); });
