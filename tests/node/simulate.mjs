// Decisions of @cloud-copilot/iam-simulate (an independent IAM evaluator) for batches of identity-policy
// requests, for tests/test_evaluate_differential.py. Reads JSON on stdin:
//   {"policies": [[document, ...], ...], "requests": [[policyIndex, action, resource, context], ...]}
// and prints one word per request: "allow", "deny", or "error: <message>".
// runUnsafeSimulation is used because the validated entry point drops context keys S3 does not define
// (cognito-identity.amazonaws.com:sub); every value is passed as a plain string.
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate'

const PRINCIPAL = 'arn:aws:sts::123456789012:assumed-role/app-role/session'
const ACCOUNT = '123456789012'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const { policies, requests } = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const identityPolicies = policies.map((docs) => docs.map((policy, i) => ({ name: `p${i}`, policy })))
const out = requests.map(([index, action, resource, context]) => {
  try {
    const result = runUnsafeSimulation({
      identityPolicies: identityPolicies[index],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: { action, principal: PRINCIPAL, resource: { resource, accountId: ACCOUNT }, contextVariables: context }
    }, {})
    return result === 'Allowed' ? 'allow' : 'deny'
  } catch (error) {
    return `error: ${error.message}`
  }
})
process.stdout.write(JSON.stringify(out))
