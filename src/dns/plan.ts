// One dial, planned once: a target (literal or host name) and the zone options become the ordered
// list of (address x interface) candidates that the racer tries. A literal is planned at once
// (no I/O beyond the registry); a name is resolved first (mDNS answers arrive zoned to their
// interface, system-resolver link-local answers are placed by the zone policy), and the answers
// are interleaved by family (RFC 8305 §4).
import type { ScopedAddress } from '../addr/index.js';
import { Fe80Error, quote } from '../errors.js';
import { resolveName, type NameAnswer, type ResolveNameOptions } from './resolve.js';
import type { InterfaceRegistry } from '../iface/index.js';
import {
  allowedSet,
  decide,
  namedInterfaces,
  outsideAllowed,
  sameInterface,
  zonePolicy,
  type AllowedSet,
  type InterfaceSelector,
  type Operation,
  type Policy,
  type TargetForm,
  type ZoneCandidate,
  type ZoneRequest,
} from '../zone/index.js';

/** A target as the socket layer parsed it: an address or a host name, a port, and the target's own zone. */
export interface PlanTarget {
  address: ScopedAddress | undefined;
  name: string | undefined;
  port: number;
  zone: InterfaceSelector | undefined;
}

/** The zone options of a dial, validated once. */
export interface ZonePlan {
  policy: Policy;
  registry: InterfaceRegistry;
  allowed: readonly InterfaceSelector[] | undefined;
  operation: Operation;
  /** how advice shows the target with a zone (default: the endpoint) */
  form: TargetForm | undefined;
  /** false: 'auto' keeps registry order, without asking the neighbour table */
  neighbourHint?: boolean | undefined;
}

const NONE = zonePolicy(undefined);

/** The policy for a target that carries its own zone (`{ host, port, zone }`) on top of the options'. */
function targetPolicy(target: PlanTarget, plan: ZonePlan): Policy {
  if (target.zone === undefined) return plan.policy;
  const own = zonePolicy(target.zone);
  if (plan.policy.kind !== 'fixed' || own.kind !== 'fixed') return own.kind === 'none' ? plan.policy : own;
  const a = plan.registry.get(own.zone);
  const b = plan.registry.get(plan.policy.zone);
  if (a === undefined || b === undefined || !sameInterface(a, b)) {
    throw new Fe80Error('ERR_INVALID_ARGUMENT', `two different zones: ${quote(String(target.zone))} in the target and ${quote(String(plan.policy.zone))} in the zone option`, {
      input: String(target.zone),
    });
  }
  return own;
}

/**
 * The zone request of a plan for one port. Built per call: a small object literal costs less
 * than any cache keyed by plan and port (a `connect(target, options)` makes a new plan each time).
 */
function request(plan: ZonePlan, port: number): ZoneRequest {
  const r: ZoneRequest = { operation: plan.operation, port, registry: plan.registry };
  if (plan.allowed !== undefined) r.allowedInterfaces = plan.allowed;
  if (plan.form !== undefined) r.form = plan.form; // otherwise the endpoint of the address at fault
  if (plan.neighbourHint === false) r.neighbours = false;
  return r;
}

/** The candidates for an IP-literal target (synchronous: the common, fast case). */
export function planLiteral(target: PlanTarget, plan: ZonePlan, allowed: AllowedSet = allowedSet(plan.allowed, plan.registry)): ZoneCandidate[] {
  const address = target.address as ScopedAddress;
  return decide(address, targetPolicy(target, plan), plan.registry, undefined, allowed, request(plan, target.port));
}

/** The interfaces mDNS should ask for a name: those the zone option names, within the allowed set. */
function queryInterfaces(policy: Policy, plan: ZonePlan, allowed: AllowedSet, name: string): readonly InterfaceSelector[] | undefined {
  const named = namedInterfaces(policy);
  if (named === undefined) return allowed === undefined ? undefined : [...allowed];
  if (allowed === undefined) return named;
  const kept = named.filter((z) => {
    const info = plan.registry.get(z);
    return info !== undefined && allowed.has(info.name);
  });
  if (kept.length === 0) throw outsideAllowed(name, named.map(String), allowed);
  return kept;
}

/**
 * The candidates for a host-name target: every answer, each through the zone floor. An mDNS
 * answer already names its interface: the zone option only decides which interfaces are asked.
 * A zone-less link-local answer from the system resolver gets the zone option (or fails with
 * ERR_ZONE_REQUIRED when there is none). Answers the floor refuses are left out; when none is
 * left, the first refusal is the error.
 */
export async function planName(target: PlanTarget, plan: ZonePlan, o: ResolveNameOptions = {}): Promise<ZoneCandidate[]> {
  const name = target.name as string;
  const policy = targetPolicy(target, plan);
  const allowed = allowedSet(plan.allowed, plan.registry);
  const interfaces = queryInterfaces(policy, plan, allowed, name);
  const answers = await resolveName(name, plan.registry, interfaces, o);
  const named = namedInterfaces(policy);
  const out: ZoneCandidate[] = [];
  const seen = new Set<string>();
  let refusal: unknown;
  for (const answer of interleave(answers)) {
    let candidates: ZoneCandidate[];
    try {
      candidates = placeAnswer(answer, policy, named, plan, allowed, target.port);
    } catch (error) {
      refusal ??= error;
      continue;
    }
    for (const c of candidates) {
      if (seen.has(c.host)) continue;
      seen.add(c.host);
      out.push(c);
    }
  }
  if (out.length > 0) return out;
  if (refusal !== undefined) throw refusal;
  throw new Fe80Error('ERR_NOT_FOUND', `${quote(name)} resolved to no usable address`, { input: name });
}

function placeAnswer(
  answer: NameAnswer,
  policy: Policy,
  named: readonly InterfaceSelector[] | undefined,
  plan: ZonePlan,
  allowed: AllowedSet,
  port: number,
): ZoneCandidate[] {
  const { address } = answer;
  const req = request(plan, port);
  if (address.zone === undefined) return decide(address, policy, plan.registry, undefined, allowed, req);
  const candidates = decide(address, NONE, plan.registry, undefined, allowed, req);
  if (named === undefined) return candidates;
  const wanted = named.map((z) => plan.registry.get(z)).filter((i) => i !== undefined);
  return candidates.filter((c) => c.interface !== undefined && wanted.some((w) => sameInterface(w, c.interface as never)));
}

/**
 * RFC 8305 §4: alternate address families, starting with the family of the first answer, so a
 * broken family costs one attempt delay, not all of them. Order within a family is kept.
 */
export function interleave<T extends { address: ScopedAddress }>(answers: readonly T[]): T[] {
  const first = answers[0];
  if (first === undefined) return [];
  if (answers.length === 1) return [first]; // the usual `.local` answer: one address
  const isV6 = (a: T): boolean => a.address.family === 6 && !a.address.isIPv4Mapped();
  const a = answers.filter((x) => isV6(x) === isV6(first));
  const b = answers.filter((x) => isV6(x) !== isV6(first));
  if (b.length === 0) return [...answers];
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i] as T);
    if (i < b.length) out.push(b[i] as T);
  }
  return out;
}
