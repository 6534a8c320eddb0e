// Before/after step of a pipeline resolver: pass through; the last function's result is the field's value.
export function request(ctx) {
  return {};
}

export function response(ctx) {
  return ctx.prev.result;
}
